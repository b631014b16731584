package dev.keyhole.mcp;

import dev.keyhole.ApprovalDecision;
import dev.keyhole.ApprovalHandler;
import dev.keyhole.ApprovalRequest;
import dev.keyhole.Redactor;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Asks the user of the MCP client to approve the first use of an {@code approval: true} grant in a
 * task, through MCP elicitation (form mode): a yes/no question naming the tool, the handle and the
 * destination, never a value. A client that did not declare form elicitation gets a denial that
 * says so; an unanswered, declined or cancelled question is a denial.
 */
final class ElicitationApprover implements ApprovalHandler {
  static final String FIELD = "approve";

  private final Map<String, McpSyncServerExchange> byTask = new ConcurrentHashMap<>();
  private final Supplier<Redactor> redactor;

  ElicitationApprover(Supplier<Redactor> redactor) {
    this.redactor = redactor;
  }

  /** The client connection to ask for the task's approvals (set when a tool call starts). */
  void bind(String taskId, McpSyncServerExchange exchange) {
    byTask.put(taskId, exchange);
  }

  void unbind(String taskId) {
    byTask.remove(taskId);
  }

  @Override
  public ApprovalDecision decide(ApprovalRequest r) {
    McpSyncServerExchange exchange = byTask.get(r.taskId());
    String grant = "grant '" + r.handleName() + "'";
    if (exchange == null) {
      return ApprovalDecision.deny("no MCP client is connected to task " + r.taskId()
          + " to ask for approval");
    }
    McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
    McpSchema.ClientCapabilities.Elicitation e = caps == null ? null : caps.elicitation();
    if (e == null || (e.form() == null && e.url() != null)) {
      McpSchema.Implementation client = exchange.getClientInfo();
      return ApprovalDecision.deny("the MCP client" + (client == null ? "" : " '"
          + client.name() + "'") + " does not support elicitation (form mode), so Keyhole cannot"
          + " ask you to approve " + grant + "; use a client with elicitation support, or remove"
          + " 'approval' from the " + grant + " in the policy");
    }
    String question = redactor.get().redact("Keyhole: allow tool '" + r.toolName()
        + "' to use the secret handle secret://" + r.handleName()
        + (r.destination() == null ? "" : " towards " + r.destination())
        + " in this session? The agent never sees the value.");
    Map<String, Object> approve = new LinkedHashMap<>();
    approve.put("type", "boolean");
    approve.put("title", "Approve");
    approve.put("description", "Allow this use of secret://" + r.handleName());
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", Map.of(FIELD, approve));
    schema.put("required", List.of(FIELD));
    McpSchema.ElicitResult result;
    try {
      result = exchange.createElicitation(
          McpSchema.ElicitFormRequest.builder(question, schema).build());
    } catch (RuntimeException ex) {
      return ApprovalDecision.deny("asking the MCP client for approval failed ("
          + ex.getClass().getSimpleName() + "); the use was not approved");
    }
    if (result == null || result.action() != McpSchema.ElicitResult.Action.ACCEPT) {
      String how = result == null ? "not answered"
          : result.action() == McpSchema.ElicitResult.Action.DECLINE ? "declined" : "cancelled";
      return ApprovalDecision.deny("the user " + how + " the approval request for " + grant);
    }
    Object answer = result.content() == null ? null : result.content().get(FIELD);
    if (!Boolean.TRUE.equals(answer) && !"true".equals(answer)) {
      return ApprovalDecision.deny("the user did not approve " + grant);
    }
    return ApprovalDecision.approve();
  }
}
