package dev.keyhole.internal;

import dev.keyhole.ApprovalDecision;
import dev.keyhole.ApprovalRequest;
import dev.keyhole.Grant;
import dev.keyhole.SecretHandle;
import dev.keyhole.Use;
import dev.keyhole.audit.AuditEventType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A task's approval decisions, keyed by grant, tool and destination: an approval given for one
 * tool and host is never reused for another tool or host. The handler is asked once per key; a
 * failing or silent handler denies.
 */
final class Approvals {
  private record Key(String grant, String tool, @Nullable String destination) {}

  private final Broker broker;
  private final String taskId;
  private final @Nullable String agentId;
  private final Map<Key, ApprovalDecision> decisions = new ConcurrentHashMap<>();

  Approvals(Broker broker, String taskId, @Nullable String agentId) {
    this.broker = broker;
    this.taskId = taskId;
    this.agentId = agentId;
  }

  /** The decision for this use of {@code g}'s handle {@code h}, asking the handler if needed. */
  ApprovalDecision decide(Grant g, SecretHandle h, Use use) {
    String dest = use.destination() == null ? null : use.destination().toString();
    Key key = new Key(g.name(), use.toolName(), dest);
    ApprovalDecision d = decisions.get(key);
    if (d != null) {
      return d;
    }
    synchronized (decisions) {
      d = decisions.get(key);
      if (d != null) {
        return d;
      }
      Audit a = broker.audit();
      a.record(a.event(AuditEventType.APPROVAL_REQUESTED).taskId(taskId).agentId(agentId)
          .handle(h.name()).tool(use.toolName()).destination(dest));
      ApprovalRequest req = new ApprovalRequest(taskId, agentId, use.toolName(), h.name(), dest,
          broker.redactor().redact(use.arguments()));
      try {
        d = broker.approvalHandler().decide(req);
      } catch (RuntimeException e) {
        d = ApprovalDecision.deny("the approval handler failed (" + e.getClass().getSimpleName() + ")");
      }
      if (d == null) {
        d = ApprovalDecision.deny("the approval handler returned no decision");
      }
      decisions.put(key, d);
      a.record(a.event(d.approved() ? AuditEventType.APPROVAL_GRANTED : AuditEventType.APPROVAL_DENIED)
          .taskId(taskId).agentId(agentId).handle(h.name()).tool(use.toolName()).destination(dest)
          .outcome(d.approved() ? "approved" : "denied")
          .reason(d.approved() ? null : broker.redactor().redact(d.reason())));
      return d;
    }
  }
}
