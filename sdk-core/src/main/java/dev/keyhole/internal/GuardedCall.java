package dev.keyhole.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.InvalidHandleException;
import dev.keyhole.KeyholeException;
import dev.keyhole.Redactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolExecution;
import dev.keyhole.ToolFailedException;
import dev.keyhole.ToolGuard.ToolBody;
import dev.keyhole.ToolInvocation;
import dev.keyhole.Use;
import dev.keyhole.audit.AuditEventType;
import java.net.URI;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The body of {@link dev.keyhole.ToolGuard#call}. */
public final class GuardedCall {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GuardedCall() {}

  public static String run(TaskScope task, String toolName, String argumentsJson,
      @Nullable Function<JsonNode, Optional<String>> destinationOf,
      @Nullable Function<JsonNode, Optional<String>> commandOf, boolean substitute, ToolBody body) {
    Redactor redactor = task.redactor();
    String rawArgs = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
    JsonNode tree;
    try {
      tree = JSON.readTree(rawArgs);
    } catch (JsonProcessingException e) {
      throw new KeyholeException("Arguments of tool '" + toolName + "' are not valid JSON ("
          + e.getOriginalMessage().replaceAll("\\s+", " ") + "); send a JSON object");
    }
    if (tree == null) {
      tree = JSON.createObjectNode();
    }
    Set<SecretHandle> handles = JsonHandles.find(tree);
    String dest = null;
    boolean plainHttp = false;
    if (destinationOf != null) {
      Optional<String> d = destinationOf.apply(tree);
      if (d.isPresent()) {
        String target = JsonHandles.substitute(d.get(), h -> "");
        Destination parsed = Destination.parse(target);
        dest = parsed.host;
        plainHttp = parsed.plainHttp;
      }
    }
    String command = commandOf == null ? null : commandOf.apply(tree).orElse(null);
    Use use = new Use(toolName, dest, command, redactor.redact(rawArgs), plainHttp);
    Map<SecretHandle, SecretValue> secrets =
        handles.isEmpty() ? Map.of() : task.resolveAll(handles, use);
    Audit audit = task instanceof DefaultTaskScope d ? d.audit() : null;
    try {
      Map<SecretHandle, String> plain = new HashMap<>();
      JsonNode resolvedTree = substitute && !secrets.isEmpty()
          ? JsonHandles.substitute(tree, h -> plain.computeIfAbsent(h, k -> secrets.get(k).revealString()))
          : tree;
      Invocation inv = new Invocation(toolName, task, resolvedTree, rawArgs, secrets,
          Optional.ofNullable(dest));
      String result;
      try {
        result = ToolExecution.runAs(task, use, () -> body.run(inv));
      } catch (Exception | Error e) {
        if (e instanceof Error err && !(e instanceof StackOverflowError || e instanceof AssertionError)) {
          throw err;
        }
        String message = Throwables.redactedMessage(e, redactor);
        String trace = Throwables.redactedTrace(e, redactor);
        if (audit != null) {
          audit.record(audit.event(AuditEventType.TOOL_FAILED).taskId(task.taskId()).tool(toolName)
              .destination(dest).outcome("error").reason(e.getClass().getSimpleName()));
        }
        throw new ToolFailedException(toolName, e.getClass().getName(),
            "Tool '" + toolName + "' failed: " + message, trace);
      }
      String out = result == null ? "" : redactor.redact(result);
      if (audit != null) {
        var ev = audit.event(AuditEventType.TOOL_CALLED).taskId(task.taskId()).tool(toolName)
            .destination(dest).outcome("ok").attribute("handles", Integer.toString(secrets.size()));
        @SuppressWarnings("ReferenceEquality") // redact() returns the same instance when nothing matched
        boolean redacted = out != result && result != null;
        if (redacted) {
          ev.attribute("redacted", "true");
          audit.record(audit.event(AuditEventType.REDACTION_HIT).taskId(task.taskId()).tool(toolName)
              .attribute("where", "tool_result"));
        }
        audit.record(ev);
      }
      return out;
    } finally {
      secrets.values().forEach(SecretValue::destroy);
    }
  }

  /** A destination as the policy sees it: host, and whether it is reached over plain http. */
  record Destination(String host, boolean plainHttp) {
    static Destination parse(String target) {
      String t = target.strip();
      if (t.contains("://")) {
        URI uri;
        try {
          uri = URI.create(t);
        } catch (IllegalArgumentException e) {
          throw new InvalidHandleException("Destination '" + t + "' is not a valid URL");
        }
        String host = uri.getHost();
        if (host == null) {
          throw new KeyholeException("Destination URL has no host; send an absolute http(s) URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
          throw new KeyholeException("Destination URL scheme '" + scheme + "' is not allowed; use https");
        }
        return new Destination(host, scheme.equals("http"));
      }
      int colon = t.lastIndexOf(':');
      String host = colon > 0 && t.indexOf(':') == colon ? t.substring(0, colon) : t;
      return new Destination(host, false);
    }
  }

  private record Invocation(String toolName, TaskScope task, JsonNode argumentsTree,
      String originalArguments, Map<SecretHandle, SecretValue> secretMap,
      Optional<String> destination) implements ToolInvocation {
    @Override
    public String arguments() {
      return argumentsTree.toString();
    }

    @Override
    public SecretValue secret(String handleName) {
      SecretValue v = secretMap.get(SecretHandle.of(handleName));
      if (v == null) {
        throw new InvalidHandleException("Handle secret://" + handleName.toLowerCase(Locale.ROOT)
            + " was not used in this call's arguments");
      }
      return v;
    }

    @Override
    public Map<SecretHandle, SecretValue> secrets() {
      return Collections.unmodifiableMap(secretMap);
    }

    @Override
    public String toString() {
      return "ToolInvocation[" + toolName + ", task=" + task.taskId() + ", handles="
          + secretMap.keySet() + "]";
    }
  }
}
