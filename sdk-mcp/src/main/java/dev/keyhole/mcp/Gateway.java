package dev.keyhole.mcp;

import dev.keyhole.ConfigurationException;
import dev.keyhole.Redactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolDeclaration;
import dev.keyhole.ToolGuard;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The gateway side of the server: starts the upstream child for a task (values injected through
 * {@link Guard#startUpstream}), exposes its tools, and forwards calls with handles substituted only
 * in declared parameters, redacting everything that comes back.
 */
final class Gateway {
  private static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() { };

  private final McpUpstream upstream;
  private final Map<String, String> inheritedEnv;
  private final Redactor redactor;
  private final McpJsonMapper json;
  private final Consumer<String> stderr;
  private final Duration callTimeout;
  private final ToolGuard guard;

  Gateway(McpUpstream upstream, Map<String, String> keyholeEnvironment, Redactor redactor,
      McpJsonMapper json, Consumer<String> stderr, Duration callTimeout) {
    this.upstream = upstream;
    Map<String, String> env = new LinkedHashMap<>();
    for (String n : upstream.inherited()) {
      String v = keyholeEnvironment.get(n);
      if (v != null) {
        env.put(n, v);
      }
    }
    this.inheritedEnv = env;
    this.redactor = redactor;
    this.json = json;
    this.stderr = stderr;
    this.callTimeout = callTimeout;
    this.guard = Guard.upstreamGuard(upstream);
  }

  McpUpstream upstream() {
    return upstream;
  }

  /** Starts the upstream child in {@code task}: each injected value is one use of its grant. */
  UpstreamProcess start(TaskScope task) {
    AtomicReference<UpstreamProcess> started = new AtomicReference<>();
    Guard.startUpstream(task, upstream.name(), upstream.command(), upstream.env(), inv -> {
      Map<String, String> env = new LinkedHashMap<>(inheritedEnv);
      for (Map.Entry<String, SecretHandle> e : upstream.env().entrySet()) {
        env.put(e.getKey(), inv.secret(e.getValue().name()).revealString());
      }
      started.set(UpstreamProcess.start(upstream.name(), upstream.command(), env, redactor, json,
          line -> stderr.accept("[" + upstream.name() + "] " + line), upstream.startTimeout(),
          callTimeout));
      return "started";
    });
    return started.get();
  }

  /**
   * The upstream's tools as the agent sees them: descriptions redacted and told which parameters
   * take handles, no output schema (results are redacted, so they need not match it).
   */
  List<McpSchema.Tool> exposed(List<McpSchema.Tool> tools, List<String> reserved) {
    for (String declared : upstream.declaredTools()) {
      if (tools.stream().noneMatch(t -> t.name().equals(declared))) {
        stderr.accept("[keyhole] warning: upstream '" + upstream.name() + "' has no tool '"
            + declared + "' (declared with handle or destination parameters)");
      }
    }
    return tools.stream().map(t -> {
      if (reserved.contains(t.name())) {
        throw new ConfigurationException("Upstream '" + upstream.name() + "' has a tool named '"
            + t.name() + "', which is also a Keyhole tool; Keyhole cannot expose both");
      }
      ToolDeclaration d = upstream.declaration(t.name());
      String note = d.handleParameters().isEmpty()
          ? "[Keyhole gateway] This tool takes no secret handles."
          : "[Keyhole gateway] Parameters that take secret handles (secret://name): "
              + String.join(", ", d.handleParameters().keySet()) + ". Call list_handles to see them.";
      String desc = t.description() == null ? note : redactor.redact(t.description()) + "\n\n" + note;
      return McpSchema.Tool.builder(t.name(), redactMap(t.inputSchema()))
          .title(t.title() == null ? null : redactor.redact(t.title()))
          .description(desc)
          .annotations(t.annotations())
          .build();
    }).toList();
  }

  /** Forwards one call to the session's upstream; the result comes back redacted. */
  McpSchema.CallToolResult call(Sessions.Session session, String tool, String argumentsJson) {
    UpstreamProcess up = session.upstream(this::start);
    return Guard.callUpstreamTool(guard, session.task, tool, argumentsJson,
        inv -> up.call(tool, json.convertValue(inv.argumentsTree(), MAP)), this::redact);
  }

  /** The whole result, every field, redacted as JSON text; the same instance when it was clean. */
  private McpSchema.CallToolResult redact(McpSchema.CallToolResult result, Redactor r) {
    try {
      String text = json.writeValueAsString(result);
      String safe = r.redact(text);
      @SuppressWarnings("ReferenceEquality") // redact returns the same instance when nothing matched
      boolean clean = safe == text;
      return clean ? result : json.readValue(safe, McpSchema.CallToolResult.class);
    } catch (IOException e) {
      throw new dev.keyhole.KeyholeException("Upstream '" + upstream.name() + "' returned a result"
          + " Keyhole could not redact; nothing was forwarded");
    }
  }

  private Map<String, Object> redactMap(Map<String, Object> map) {
    if (map == null) {
      return Map.of("type", "object");
    }
    try {
      String text = json.writeValueAsString(map);
      return json.readValue(redactor.redact(text), MAP);
    } catch (IOException e) {
      throw new ConfigurationException("Upstream '" + upstream.name() + "' has a tool schema"
          + " Keyhole could not read");
    }
  }
}
