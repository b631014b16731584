package dev.keyhole.audit;

/** What an {@link AuditEvent} records. */
public enum AuditEventType {
  TASK_OPENED,
  TASK_CLOSED,
  /** A task's TTL ran out; followed by {@link #TASK_CLOSED}. */
  TASK_EXPIRED,
  HANDLE_GRANTED,
  USE_ALLOWED,
  USE_DENIED,
  APPROVAL_REQUESTED,
  APPROVAL_GRANTED,
  APPROVAL_DENIED,
  /** A provider call finished (outcome and latency in the event). */
  PROVIDER_CALL,
  /** A cached value was served because the provider failed with a retryable error. */
  STALE_SERVED,
  CREDENTIAL_ISSUED,
  CREDENTIAL_REVOKED,
  /** A tool read a secret value through a {@code reveal*} call. */
  VALUE_REVEALED,
  TOOL_CALLED,
  TOOL_FAILED,
  REDACTION_HIT,
  /**
   * A live value was found in a file a tool's workspace holds after a call or at task close; the
   * event names the file and line (never the value) and whether it was scrubbed or only reported.
   */
  VALUE_PERSISTED,
  /** A detector flagged text Keyhole does not know the value of (detectors FLAG or REDACT). */
  DETECTION
}
