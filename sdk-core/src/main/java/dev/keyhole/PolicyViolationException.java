package dev.keyhole;

import java.util.Objects;

/**
 * A use of a handle was denied by policy: unknown handle, wrong tool, wrong destination, use count
 * exhausted, grant expired, or approval denied. The message names the handle, tool and task and says
 * which policy setting would allow the use; it never contains a value.
 */
public class PolicyViolationException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  /** Why a use was denied. */
  public enum Reason {
    /** The handle is not granted to this task (unknown, forged, or from another task). */
    UNKNOWN_HANDLE,
    /** The grant does not list the calling tool. */
    TOOL_NOT_ALLOWED,
    /** The destination host is not in the grant's destinations (or none was given). */
    DESTINATION_NOT_ALLOWED,
    /** The grant's maximum number of uses is used up. */
    MAX_USES_EXCEEDED,
    /** The grant's own TTL has run out (the task may still be open). */
    GRANT_EXPIRED,
    /** The approval handler denied the use, or no handler was configured. */
    APPROVAL_DENIED,
    /** The command is not in the grant's command allowlist. */
    COMMAND_NOT_ALLOWED,
    /** The transport is not allowed (for example plain http to a non-local host). */
    INSECURE_TRANSPORT
  }

  private final Reason reason;

  public PolicyViolationException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the use was denied. */
  public Reason reason() {
    return reason;
  }
}
