package dev.keyhole.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolDeclaration;
import dev.keyhole.ToolGuard;
import dev.keyhole.tools.AgentTool;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where this module calls into Keyhole's tool guard: every tool call of an MCP
 * session, and the start of an upstream server, go through here.
 *
 * <p>Security: the guard accepts handles only in the parameters a tool declares (an upstream tool
 * without declarations takes none), refuses arguments that already hold a live value, checks
 * policy per handle for the call's destination or command, and redacts the result once.
 */
final class Guard {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Guard() {}

  /** A ready-made Keyhole tool ({@code http_request}, {@code run_process}): it guards itself. */
  static String callAgentTool(TaskScope task, AgentTool tool, String argumentsJson) {
    return tool.call(task, argumentsJson);
  }

  /** The guard for an upstream's tools, built once from their declarations. */
  static ToolGuard upstreamGuard(McpUpstream upstream) {
    ToolGuard.Builder b = ToolGuard.builder();
    for (String tool : upstream.declaredTools()) {
      b.tool(upstream.declaration(tool));
    }
    return b.build();
  }

  /**
   * A tool of an upstream MCP server: handles only in its declared parameters, resolved under
   * policy for the declared destination; {@code forward} sends the substituted arguments and the
   * result comes back redacted by {@code redaction}.
   */
  static <R> R callUpstreamTool(ToolGuard guard, TaskScope task, String tool, String argumentsJson,
      ToolGuard.ToolBody<R> forward, ToolGuard.ResultRedaction<R> redaction) {
    return guard.call(task, tool, argumentsJson, forward, redaction);
  }

  /**
   * Resolves the values an upstream server receives in its environment and runs {@code start}
   * with them: one use of each grant by tool {@code upstreamName} running {@code command}.
   */
  static String startUpstream(TaskScope task, String upstreamName, List<String> command,
      Map<String, SecretHandle> env, ToolGuard.ToolBody<String> start) {
    ObjectNode args = JSON.createObjectNode();
    ObjectNode envNode = args.putObject("env");
    env.forEach((k, h) -> envNode.put(k, h.token()));
    return ToolGuard.builder()
        .tool(ToolDeclaration.builder(upstreamName).handleParameters("env")
            .command(a -> Optional.of(command)).build())
        .substitute(false)
        .build()
        .call(task, upstreamName, args.toString(), start);
  }
}
