package dev.keyhole.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.Grant;
import dev.keyhole.HostPattern;
import dev.keyhole.KeyholeException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.Redactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskClosedException;
import dev.keyhole.TaskScope;
import dev.keyhole.tools.AgentTool;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The MCP tools of a Keyhole server: {@code list_handles}, the ready-made Keyhole tools, and the
 * upstream's tools in gateway mode. Every call runs in the calling session's task; every result and
 * error is redacted; every failure is an {@code isError} result, never a protocol error that could
 * carry unredacted text.
 */
final class ToolSpecs {
  static final String LIST_HANDLES = "list_handles";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Sessions sessions;
  private final ElicitationApprover approver;
  private final Redactor redactor;

  ToolSpecs(Sessions sessions, ElicitationApprover approver, Redactor redactor) {
    this.sessions = sessions;
    this.approver = approver;
    this.redactor = redactor;
  }

  List<SyncToolSpecification> build(List<AgentTool> tools, @Nullable TaskScope describeWith,
      @Nullable Gateway gateway, List<McpSchema.Tool> upstreamTools) {
    List<SyncToolSpecification> out = new ArrayList<>();
    out.add(spec(McpSchema.Tool.builder(LIST_HANDLES, Map.of("type", "object",
            "properties", Map.of(), "additionalProperties", false))
        .title("List Keyhole handles")
        .description("Lists the secret handles (secret://name) this session may use: name,"
            + " description, which tools may use each, destinations (hosts), commands, whether"
            + " approval is asked. Never values. Pass a handle where a tool parameter takes one.")
        .annotations(new McpSchema.ToolAnnotations(null, true, false, true, false, null))
        .build(), (s, args) -> text(listHandles(s.task))));
    for (AgentTool tool : tools) {
      String description = describeWith != null ? tool.description(describeWith)
          : "Keyhole's '" + tool.name() + "' tool. Call " + LIST_HANDLES + " for the secret"
              + " handles this session may use, and pass them as secret://name where the"
              + " parameters say handles are allowed; you never see the values.";
      out.add(spec(McpSchema.Tool.builder(tool.name(),
              JSON.convertValue(tool.parametersSchema(), MAP_TYPE))
          .description(redactor.redact(description))
          .build(), (s, args) -> text(Guard.callAgentTool(s.task, tool, args))));
    }
    if (gateway != null) {
      for (McpSchema.Tool t : upstreamTools) {
        out.add(spec(t, (s, args) -> gateway.call(s, t.name(), args)));
      }
    }
    return out;
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP_TYPE =
      new com.fasterxml.jackson.core.type.TypeReference<>() { };

  /** One tool call's body in its session. */
  @FunctionalInterface
  interface Body {
    McpSchema.CallToolResult run(Sessions.Session session, String argumentsJson);
  }

  private SyncToolSpecification spec(McpSchema.Tool tool, Body body) {
    return SyncToolSpecification.builder().tool(tool)
        .callHandler((exchange, request) -> call(exchange, tool.name(), request, body)).build();
  }

  private McpSchema.CallToolResult call(McpSyncServerExchange exchange, String tool,
      McpSchema.CallToolRequest request, Body body) {
    Optional<Sessions.Session> session = sessions.get(exchange.sessionId());
    if (session.isEmpty() || session.get().isClosed()) {
      return error("This MCP session has ended or is unknown to Keyhole; reconnect to start a new"
          + " session (and task).");
    }
    Sessions.Session s = session.get();
    if (!s.task.isOpen()) {
      sessions.close(s.id);
      return error("This MCP session's Keyhole task has expired (its TTL ran out) or was closed;"
          + " reconnect to start a new session (and task).");
    }
    String args;
    try {
      args = JSON.writeValueAsString(request.arguments() == null ? Map.of() : request.arguments());
    } catch (JsonProcessingException e) {
      return error("The arguments of tool '" + tool + "' could not be read as JSON");
    }
    approver.bind(s.task.taskId(), exchange);
    try {
      return body.run(s, args);
    } catch (RuntimeException e) {
      return error(describe(tool, e));
    }
  }

  private McpSchema.CallToolResult text(String text) {
    return McpSchema.CallToolResult.builder().addTextContent(redactor.redact(text)).isError(false)
        .build();
  }

  private McpSchema.CallToolResult error(String text) {
    return McpSchema.CallToolResult.builder().addTextContent(redactor.redact(text)).isError(true)
        .build();
  }

  /** What the model reads about a failure: typed Keyhole messages; for anything else, its type. */
  static String describe(String tool, Throwable e) {
    if (e instanceof PolicyViolationException p) {
      return "Denied by Keyhole (" + p.reason() + "): " + p.getMessage();
    }
    if (e instanceof TaskClosedException t) {
      return "This MCP session's Keyhole task " + (t.expired() ? "has expired" : "is closed")
          + ": " + t.getMessage() + " Reconnect to start a new session.";
    }
    if (e instanceof KeyholeException) {
      return e.getMessage();
    }
    return "Tool '" + tool + "' failed (" + e.getClass().getSimpleName() + ")";
  }

  /** The session's handles and what each may do; never a value or a reference. */
  static String listHandles(TaskScope task) {
    ObjectNode root = JSON.createObjectNode();
    root.put("task", task.taskId());
    root.put("expiresAt", task.expiresAt().toString());
    ArrayNode list = root.putArray("handles");
    task.handles().stream().sorted(java.util.Comparator.comparing(SecretHandle::name))
        .forEach(h -> {
          ObjectNode n = list.addObject();
          n.put("handle", h.token());
          task.grantFor(h).ifPresent(g -> describeGrant(g, n));
        });
    if (task.handles().isEmpty()) {
      root.put("note", "This session has no handles; the Keyhole policy grants none.");
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new KeyholeException("Could not list handles");
    }
  }

  private static void describeGrant(Grant g, ObjectNode n) {
    g.description().ifPresent(d -> n.put("description", d));
    g.tools().stream().sorted().forEach(n.putArray("tools")::add);
    ArrayNode dest = n.putArray("destinations");
    for (HostPattern p : g.destinations()) {
      dest.add(p.toString());
    }
    g.commands().stream().sorted().forEach(n.putArray("commands")::add);
    n.put("approval", g.approvalRequired());
    g.maxUses().ifPresent(m -> n.put("maxUses", m));
  }
}
