package dev.keyhole.springai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.InvalidHandleException;
import dev.keyhole.KeyholeException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.TaskClosedException;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolFailedException;
import dev.keyhole.ToolGuard;
import dev.keyhole.ToolInvocation;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place this module calls Keyhole's {@link ToolGuard}: a call either returns the tool's
 * redacted result or throws {@link KeyholeToolException} whose message says what was refused or
 * what failed, redacted, never chaining the original exception.
 */
final class GuardCall {
  /** The tool body, run with handles resolved. */
  interface Body {
    String run(ToolInvocation invocation) throws Exception;
  }

  private final Map<String, Function<JsonNode, Optional<String>>> destinations;

  GuardCall(Map<String, Function<JsonNode, Optional<String>>> destinations) {
    this.destinations = Map.copyOf(destinations);
  }

  String call(TaskScope task, String toolName, String argumentsJson, Body body) {
    ToolGuard.Builder b = ToolGuard.builder(task);
    Function<JsonNode, Optional<String>> destination = destinations.get(toolName);
    if (destination != null) {
      b.destination(toolName, destination);
    }
    try {
      return b.build().call(toolName, argumentsJson, body::run);
    } catch (ToolFailedException e) {
      throw new KeyholeToolException(toolName, task.redactor().redact(String.valueOf(e.getMessage())));
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
