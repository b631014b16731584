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
    /** The destination (scheme, host, port) is not in the grant's destinations. */
    DESTINATION_NOT_ALLOWED,
    /**
     * The grant lists destinations but the call's destination is unknown: the tool declares none,
     * or the model sent it missing, null, not as text, or unparseable. Fails closed.
     */
    DESTINATION_UNKNOWN,
    /** A handle appeared in an argument the tool does not declare as a handle parameter. */
    HANDLE_NOT_ALLOWED_IN_PARAMETER,
    /** The model-written arguments hold a live secret value (in any registered form). */
    VALUE_IN_ARGUMENTS,
    /** The grant's maximum number of uses is used up. */
    MAX_USES_EXCEEDED,
    /** The grant's own TTL has run out (the task may still be open). */
    GRANT_EXPIRED,
    /** The approval handler denied the use, or no handler was configured. */
    APPROVAL_DENIED,
    /** The command is not in the grant's command allowlist. */
    COMMAND_NOT_ALLOWED,
    /** The transport is not allowed (for example plain http to a non-local host). */
    INSECURE_TRANSPORT,
    /**
     * The command runs code chosen by its arguments or environment (a shell or interpreter, {@code
     * find -exec}, {@code git -c}) and the grant does not set {@code allowCodeExecution}.
     */
    CODE_EXECUTION_NOT_ALLOWED,
    /**
     * An environment variable the call sets is not allowed: a handle in a variable its grant's
     * {@code env} does not map to it, or a variable the tool does not let the model set.
     */
    ENVIRONMENT_NOT_ALLOWED
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
