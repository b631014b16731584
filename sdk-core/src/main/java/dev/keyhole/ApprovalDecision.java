package dev.keyhole;

import java.util.Objects;

/** An approval handler's answer. */
public final class ApprovalDecision {
  private static final ApprovalDecision APPROVED = new ApprovalDecision(true, "approved");

  private final boolean approved;
  private final String reason;

  private ApprovalDecision(boolean approved, String reason) {
    this.approved = approved;
    this.reason = reason;
  }

  public static ApprovalDecision approve() {
    return APPROVED;
  }

  /** A denial; {@code reason} is shown to the model and written to the audit trail. */
  public static ApprovalDecision deny(String reason) {
    return new ApprovalDecision(false, Objects.requireNonNull(reason, "reason"));
  }

  public boolean approved() {
    return approved;
  }

  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return approved ? "ApprovalDecision[approved]" : "ApprovalDecision[denied: " + reason + "]";
  }
}
