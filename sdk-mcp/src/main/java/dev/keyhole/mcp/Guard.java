package dev.keyhole.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.KeyholeException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolGuard;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.tools.AgentTool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place where this module calls into Keyhole's tool guard: every tool call of an MCP
 * session, and the start of an upstream server, go through here.
 *
 * <p>Security: handles are accepted only in the parameters a tool declares; arguments that already
 * hold a live value are refused before anything runs; the result is redacted by the guard.
 */
final class Guard {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Guard() {}

  /** A ready-made Keyhole tool ({@code http_request}, {@code run_process}): it guards itself. */
  static String callAgentTool(TaskScope task, AgentTool tool, String argumentsJson) {
    refuseLiveValues(task, tool.name(), argumentsJson);
    return tool.call(task, argumentsJson);
  }

  /**
   * A tool of an upstream MCP server: handles only in {@code declaration}'s parameters, resolved
   * under policy for the declared destination, then {@code body} forwards the substituted arguments.
   */
  static String callDeclared(TaskScope task, ToolDecl declaration, String argumentsJson,
      ToolGuard.ToolBody body) {
    String tool = declaration.name();
    JsonNode tree = parse(tool, argumentsJson);
    refuseLiveValues(task, tool, argumentsJson);
    List<String> misplaced = new ArrayList<>();
    collectUndeclared(tree, "", declaration.handleParameters(), misplaced);
    if (!misplaced.isEmpty()) {
      task.audit(AuditEventType.USE_DENIED, e -> e.tool(tool).outcome("denied")
          .reason("HANDLE_NOT_ALLOWED_IN_PARAMETER").attribute("parameters", misplaced.toString()));
      throw new PolicyViolationException(PolicyViolationException.Reason.TOOL_NOT_ALLOWED,
          "Tool '" + tool + "' does not take handles in " + misplaced + "; "
              + (declaration.handleParameters().isEmpty() ? "it takes none"
                  : "it takes them only in " + declaration.handleParameters())
              + ". Declare the parameter for this tool in the Keyhole configuration if it should"
              + " receive a secret.");
    }
    ToolGuard.Builder guard = ToolGuard.builder(task);
    declaration.destinationParameter().ifPresent(p -> guard.destination(tool,
        args -> Optional.ofNullable(at(args, p)).filter(JsonNode::isTextual).map(JsonNode::textValue)));
    return guard.build().call(tool, tree.toString(), body);
  }

  /**
   * Resolves the values an upstream server receives in its environment and runs {@code start}
   * with them: a use of each grant by tool {@code upstreamName} running {@code program}.
   */
  static String startUpstream(TaskScope task, String upstreamName, String program,
      Map<String, SecretHandle> env, ToolGuard.ToolBody start) {
    var args = JSON.createObjectNode();
    var envNode = args.putObject("env");
    env.forEach((k, h) -> envNode.put(k, h.token()));
    return ToolGuard.builder(task).command(upstreamName, a -> Optional.of(program))
        .substitute(false).build().call(upstreamName, args.toString(), start);
  }

  /** The model must use handles: arguments holding a live value are refused, unchanged. */
  private static void refuseLiveValues(TaskScope task, String tool, String argumentsJson) {
    if (task.redactor().containsSecret(argumentsJson)) {
      task.audit(AuditEventType.USE_DENIED, e -> e.tool(tool).outcome("denied")
          .reason("VALUE_IN_ARGUMENTS"));
      throw new PolicyViolationException(PolicyViolationException.Reason.TOOL_NOT_ALLOWED,
          "The arguments of tool '" + tool + "' contain a secret value; pass the handle"
              + " (secret://name) instead. Nothing was run.");
    }
  }

  private static JsonNode parse(String tool, String argumentsJson) {
    String text = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
    try {
      JsonNode tree = JSON.readTree(text);
      if (tree == null || !tree.isObject()) {
        throw new KeyholeException("Arguments of tool '" + tool + "' must be a JSON object");
      }
      return tree;
    } catch (JsonProcessingException e) {
      throw new KeyholeException("Arguments of tool '" + tool + "' are not valid JSON; send a"
          + " JSON object");
    }
  }

  /** Paths (dotted) outside the declared parameters that hold a handle token. */
  private static void collectUndeclared(JsonNode node, String path, Set<String> declared,
      List<String> out) {
    if (!path.isEmpty() && covered(path, declared)) {
      return;
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (SecretHandle.containsToken(e.getKey())) {
          out.add(path.isEmpty() ? "(a key)" : path + ".(a key)");
          continue;
        }
        collectUndeclared(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(),
            declared, out);
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        collectUndeclared(item, path, declared, out);
        if (out.contains(path)) {
          return;
        }
      }
    } else if (node.isTextual() && SecretHandle.containsToken(node.textValue())
        && !out.contains(path)) {
      out.add(path.isEmpty() ? "(arguments)" : path);
    }
  }

  private static boolean covered(String path, Set<String> declared) {
    for (String d : declared) {
      if (path.equals(d) || path.startsWith(d + ".")) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode at(JsonNode args, String dottedPath) {
    JsonNode n = args;
    for (String part : dottedPath.split("\\.", -1)) {
      n = n == null ? null : n.get(part);
    }
    return n;
  }
}
