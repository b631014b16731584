package dev.keyhole.internal.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.Destination;
import dev.keyhole.InvalidDestinationException;
import dev.keyhole.KeyholeException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.PolicyViolationException.Reason;
import dev.keyhole.Redactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolDeclaration;
import dev.keyhole.ToolFailedException;
import dev.keyhole.ToolGuard.FailureTranslation;
import dev.keyhole.ToolGuard.ResultRedaction;
import dev.keyhole.ToolGuard.ToolBody;
import dev.keyhole.Use;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.internal.JsonHandles;
import dev.keyhole.internal.Throwables;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/** The body of {@link dev.keyhole.ToolGuard#call}: the stages in order. */
public final class GuardPipeline {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs the tool body as a checked call; only the guard can provide it. */
  @FunctionalInterface
  public interface Runner {
    <T> T runAs(TaskScope task, Use use, Callable<T> body) throws Exception;
  }

  private GuardPipeline() {}

  public static <R> R run(TaskScope task, ToolDeclaration tool, @Nullable String argumentsJson,
      boolean substitute, ToolBody<R> body, ResultRedaction<R> redaction,
      FailureTranslation failures, Runner runner) {
    String toolName = tool.name();
    Redactor redactor = task.redactor();
    // 1. Parse once.
    String rawArgs = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
    JsonNode tree = parse(toolName, rawArgs);
    // 2. Refuse live values in what the model wrote (one scan, reused for approval and audit).
    String redactedArgs = redactor.redact(rawArgs);
    @SuppressWarnings("ReferenceEquality") // redact() returns the same instance when nothing matched
    boolean holdsValue = redactedArgs != rawArgs;
    if (holdsValue) {
      throw deny(task, toolName, null, Reason.VALUE_IN_ARGUMENTS, "The arguments of tool '"
          + toolName + "' contain a live secret value (shown here as its handle: "
          + abbreviate(redactedArgs) + "). Pass the handle (secret://NAME) instead of the value;"
          + " the tool did not run.");
    }
    // 3. Locate handles, in declared parameters only.
    String misplaced = HandlePlacement.violation(toolName, tool.handleParameters(), tree);
    if (misplaced != null) {
      throw deny(task, toolName, null, Reason.HANDLE_NOT_ALLOWED_IN_PARAMETER,
          misplaced + " The tool did not run.");
    }
    Set<SecretHandle> handles = JsonHandles.find(tree);
    // 4. Destination: declared but missing, null, not text or unparseable means unknown.
    Destination dest = null;
    Optional<String> target = tool.destinationText(tree);
    if (target.isPresent()) {
      try {
        dest = Destination.parse(JsonHandles.substitute(target.get(), h -> ""));
      } catch (InvalidDestinationException e) {
        if (!handles.isEmpty()) {
          throw deny(task, toolName, null, Reason.DESTINATION_UNKNOWN, redactor.redact(
              String.valueOf(e.getMessage())) + " The tool did not run.");
        }
      }
    }
    List<String> command;
    try {
      command = tool.command(tree).orElse(List.of());
    } catch (PolicyViolationException e) {
      // A tool's own declaration refused the call (its command allowlist): audited like any denial.
      throw deny(task, toolName, dest, e.reason(), String.valueOf(e.getMessage()));
    }
    Use use = new Use(toolName, dest, command, redactedArgs, tool.environment(tree));
    // 5-6. Policy, approval, resolve (the task scope checks every handle before any resolves).
    Map<SecretHandle, SecretValue> secrets;
    if (handles.isEmpty()) {
      task.resolveAll(List.of(), use); // a closed or expired task's tools do not run at all
      secrets = Map.of();
    } else {
      secrets = task.resolveAll(handles, use);
    }
    try {
      // 7. Substitute.
      JsonNode resolvedTree = tree;
      if (substitute && !secrets.isEmpty()) {
        Map<SecretHandle, String> plain = new HashMap<>();
        resolvedTree = JsonHandles.substitute(tree,
            h -> plain.computeIfAbsent(h, k -> secrets.get(k).revealString()));
      }
      Invocation inv = new Invocation(toolName, task, resolvedTree, rawArgs, secrets, dest);
      // 8. Run as a checked call.
      R result;
      try {
        result = runner.runAs(task, use, () -> body.run(inv));
      } catch (Exception | Error e) {
        if (e instanceof Error err && !(e instanceof StackOverflowError || e instanceof AssertionError)) {
          throw err;
        }
        throw failures.translate(e, failed(task, toolName, dest, e, redactor), redactor);
      }
      // 9. Redact once, in the framework's own type, while the call's values are registered.
      R out = redaction.redact(result, redactor);
      // 10. Audit.
      @SuppressWarnings("ReferenceEquality")
      boolean redacted = out != result && result != null;
      audit(task, toolName, dest, secrets.size(), redacted);
      return out;
    } finally {
      secrets.values().forEach(SecretValue::destroy);
    }
  }

  private static JsonNode parse(String toolName, String rawArgs) {
    JsonNode tree;
    try {
      tree = JSON.readTree(rawArgs);
    } catch (JsonProcessingException e) {
      throw new KeyholeException("Arguments of tool '" + toolName + "' are not valid JSON ("
          + e.getOriginalMessage().replaceAll("\\s+", " ") + "); send a JSON object");
    }
    return tree == null ? JSON.createObjectNode() : tree;
  }

  private static PolicyViolationException deny(TaskScope task, String toolName,
      @Nullable Destination dest, Reason reason, String message) {
    task.audit(AuditEventType.USE_DENIED, b -> b.tool(toolName)
        .destination(dest == null ? null : dest.toString()).outcome("denied").reason(reason.name()));
    return new PolicyViolationException(reason, message);
  }

  private static ToolFailedException failed(TaskScope task, String toolName,
      @Nullable Destination dest, Throwable e, Redactor redactor) {
    String message = Throwables.redactedMessage(e, redactor);
    String trace = Throwables.redactedTrace(e, redactor);
    task.audit(AuditEventType.TOOL_FAILED, b -> b.tool(toolName)
        .destination(dest == null ? null : dest.toString()).outcome("error")
        .reason(e.getClass().getSimpleName()));
    return new ToolFailedException(toolName, e.getClass().getName(),
        "Tool '" + toolName + "' failed: " + message, trace);
  }

  private static void audit(TaskScope task, String toolName, @Nullable Destination dest,
      int handles, boolean redacted) {
    task.audit(AuditEventType.TOOL_CALLED, b -> {
      b.tool(toolName).destination(dest == null ? null : dest.toString()).outcome("ok")
          .attribute("handles", Integer.toString(handles));
      if (redacted) {
        b.attribute("redacted", "true");
      }
    });
    if (redacted) {
      task.audit(AuditEventType.REDACTION_HIT, b -> b.tool(toolName).attribute("where", "tool_result"));
    }
  }

  private static String abbreviate(String s) {
    String t = s.replaceAll("\\s+", " ");
    return t.length() <= 200 ? t : t.substring(0, 197) + "...";
  }
}
