package dev.keyhole.internal;

import dev.keyhole.Destination;
import dev.keyhole.Grant;
import dev.keyhole.PolicyViolationException.Reason;
import dev.keyhole.SecretHandle;
import dev.keyhole.Use;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The policy check as a pure function of a grant, one use and the clock: tool, destination
 * (fail closed when it is unknown and the grant lists destinations), transport, command and the
 * grant's TTL. Use counting and approval are stateful and live beside it in the task scope.
 */
final class PolicyCheck {
  /** Why a use is denied, with a message that says how to allow it (never a value). */
  record Denial(Reason reason, String message) {}

  private PolicyCheck() {}

  static @Nullable Denial check(Grant g, SecretHandle h, Use use, Instant now, Instant openedAt,
      String taskId) {
    String tool = use.toolName();
    if (!g.allowsTool(tool)) {
      return new Denial(Reason.TOOL_NOT_ALLOWED, "Tool '" + tool + "' may not use handle " + h
          + " in task '" + taskId + "'; its grant allows tools " + g.tools()
          + ". Add the tool to the grant's 'tools' in the policy if this use is intended.");
    }
    Destination d = use.destination();
    if (d == null) {
      if (!g.destinations().isEmpty() && !g.unboundTools().contains(tool)) {
        return new Denial(Reason.DESTINATION_UNKNOWN, "Handle " + h + " may be sent only to "
            + g.destinations() + ", but the destination of this call of tool '" + tool + "' is"
            + " unknown (the tool declares none, or the call gave none as text). Declare the"
            + " tool's destination parameter, or, if the tool really may send the value anywhere,"
            + " list it in the grant's 'unboundTools' in the policy.");
      }
    } else {
      if (g.destinations().isEmpty()) {
        return new Denial(Reason.DESTINATION_NOT_ALLOWED, "Handle " + h + " may not be sent to any"
            + " destination (" + d + "): its grant lists no destinations. Add the host to the"
            + " grant's 'destinations' in the policy if this use is intended.");
      }
      if (!g.allowsDestination(d)) {
        return new Denial(Reason.DESTINATION_NOT_ALLOWED, "Handle " + h + " may not be sent to "
            + d + "; its grant allows " + g.destinations() + " (a pattern without a port allows"
            + " only the scheme's default port). Add it to the grant's 'destinations' in the policy"
            + " if this use is intended.");
      }
      if (d.isPlainHttp() && !(g.allowHttpLocalhost() && d.isLoopback())) {
        return new Denial(Reason.INSECURE_TRANSPORT, "Handle " + h + " may not be sent over plain"
            + " http to " + d + "; use https (plain http is allowed only to localhost, and only"
            + " when the grant sets 'allowHttpLocalhost: true')");
      }
    }
    String program = use.program();
    if (program != null && !g.commands().contains(program)) {
      return new Denial(Reason.COMMAND_NOT_ALLOWED, "Command '" + program + "' may not use handle "
          + h + "; its grant allows commands " + g.commands() + ". Add the executable to the"
          + " grant's 'commands' in the policy if this use is intended.");
    }
    if (g.ttl().isPresent() && !now.isBefore(openedAt.plus(g.ttl().get()))) {
      return new Denial(Reason.GRANT_EXPIRED, "The grant of handle " + h + " expired "
          + g.ttl().get() + " after task '" + taskId + "' opened; open a new task to use it again");
    }
    return null;
  }
}
