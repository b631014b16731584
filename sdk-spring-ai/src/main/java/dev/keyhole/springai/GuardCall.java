package dev.keyhole.springai;

import dev.keyhole.InvalidHandleException;
import dev.keyhole.KeyholeException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.TaskClosedException;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolDeclaration;
import dev.keyhole.ToolGuard;
import java.util.Locale;

/**
 * The one place this module calls Keyhole's {@link ToolGuard}: a call either returns the tool's
 * redacted result or throws {@link KeyholeToolException} whose message says what was refused or
 * what failed, redacted, never chaining the original exception.
 */
final class GuardCall {
  private final ToolGuard guard;

  GuardCall(ToolDeclaration declaration) {
    this.guard = ToolGuard.builder().tool(declaration).build();
  }

  String call(TaskScope task, String toolName, String argumentsJson, ToolGuard.ToolBody<String> body) {
    try {
      return guard.call(task, toolName, argumentsJson, body, ToolGuard.ResultRedaction.text(),
          (original, redacted, redactor) ->
              new KeyholeToolException(toolName, redactor.redact(String.valueOf(redacted.getMessage()))));
    } catch (KeyholeToolException e) {
      throw e;
    } catch (KeyholeException e) {
      throw new KeyholeToolException(toolName, denial(toolName, e, task));
    }
  }

  static String denial(String toolName, KeyholeException e, TaskScope task) {
    String message = task.redactor().redact(String.valueOf(e.getMessage()));
    if (e instanceof PolicyViolationException p) {
      return "Denied by Keyhole policy (" + p.reason().name().toLowerCase(Locale.ROOT) + "): "
          + message + " The tool '" + toolName + "' did not run.";
    }
    if (e instanceof TaskClosedException || e instanceof InvalidHandleException) {
      return "Denied by Keyhole: " + message + " The tool '" + toolName + "' did not run.";
    }
    return "Keyhole could not run tool '" + toolName + "': " + message
        + (e.retryable() ? " (temporary; the call may succeed if retried later)" : "");
  }
}
