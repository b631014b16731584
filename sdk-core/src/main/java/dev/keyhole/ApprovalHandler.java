package dev.keyhole;

/**
 * Decides whether the first use of a grant marked {@code approval: true} may go ahead (a human
 * prompt, a chat-ops message, a rule). Called once per grant per task; the answer is remembered for
 * the task. Receives the tool, handle name, destination and arguments with handles unresolved,
 * never a value. May block; it runs on the tool-calling thread.
 */
@FunctionalInterface
public interface ApprovalHandler {
  ApprovalDecision decide(ApprovalRequest request);

  /** Denies everything: the default, so that approval grants fail closed when nobody is asked. */
  static ApprovalHandler denyAll() {
    return r -> ApprovalDecision.deny("no approval handler is configured; set one with"
        + " Keyhole.builder().approvalHandler(...)");
  }

  /** Approves everything (for tests and demos). */
  static ApprovalHandler approveAll() {
    return r -> ApprovalDecision.approve();
  }
}
