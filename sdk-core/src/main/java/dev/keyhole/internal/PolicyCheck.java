package dev.keyhole.internal;

import dev.keyhole.Destination;
import dev.keyhole.Grant;
import dev.keyhole.HandleMatch;
import dev.keyhole.PolicyViolationException.Reason;
import dev.keyhole.SecretHandle;
import dev.keyhole.Use;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The policy check as a pure function of a grant, one use and the clock: tool, destination
 * (fail closed when it is unknown and the grant lists destinations), transport, command (an
 * argument-prefix rule, and no code execution unless the grant allows it), the environment
 * variables the value goes into, and the grant's TTL. Use counting and approval are stateful and live beside it in the task scope.
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
    Denial d2 = command(g, h, use);
    if (d2 != null) {
      return d2;
    }
    d2 = environment(g, h, use);
    if (d2 != null) {
      return d2;
    }
    if (g.ttl().isPresent() && !now.isBefore(openedAt.plus(g.ttl().get()))) {
      return new Denial(Reason.GRANT_EXPIRED, "The grant of handle " + h + " expired "
          + g.ttl().get() + " after task '" + taskId + "' opened; open a new task to use it again");
    }
    return null;
  }

  /**
   * A process use: a command rule must allow the program and its leading arguments, and, unless
   * the grant allows code execution, the invocation must not run code its arguments choose.
   */
  private static @Nullable Denial command(Grant g, SecretHandle h, Use use) {
    List<String> argv = use.command();
    if (argv.isEmpty()) {
      return null;
    }
    String shown = shown(argv);
    if (g.ruleFor(argv).isEmpty()) {
      return new Denial(Reason.COMMAND_NOT_ALLOWED, "Command '" + shown + "' may not use handle "
          + h + "; its grant allows " + (g.commands().isEmpty() ? "no commands"
          : "only commands starting with " + g.commands()) + " (a program, then the arguments the"
          + " call must start with). Add the command to the grant's 'commands' in the policy if"
          + " this use is intended.");
    }
    if (!g.allowCodeExecution()) {
      String why = CodeExecution.of(argv);
      if (why != null) {
        return new Denial(Reason.CODE_EXECUTION_NOT_ALLOWED, "Command '" + shown + "' may not use"
            + " handle " + h + ": " + why + ", so it could print or send the value in a form no"
            + " redactor recognises. Run the command without that, or, if the grant must trust"
            + " the program with any code, set 'allowCodeExecution: true' on it in the policy.");
      }
    }
    return null;
  }

  /** Every variable that carries the handle must be one the grant's {@code env} maps to it. */
  private static @Nullable Denial environment(Grant g, SecretHandle h, Use use) {
    for (Map.Entry<String, String> e : use.environment().entrySet()) {
      String value = e.getValue();
      List<HandleMatch> found = SecretHandle.findAll(value);
      boolean carries = false;
      for (HandleMatch m : found) {
        carries |= m.valid() && h.equals(m.handle());
      }
      if (!carries) {
        continue;
      }
      String var = e.getKey();
      boolean whole = found.size() == 1 && found.get(0).start() == 0
          && found.get(0).end() == value.length();
      String mapped = g.env().get(var);
      if (!whole || mapped == null || !SecretHandle.of(mapped).equals(h)) {
        List<String> allowed = new ArrayList<>();
        g.env().forEach((k, v) -> {
          if (SecretHandle.of(v).equals(h)) {
            allowed.add(k);
          }
        });
        return new Denial(Reason.ENVIRONMENT_NOT_ALLOWED, "Handle " + h + " may not go into"
            + " environment variable '" + var + "'" + (whole ? "" : " as part of a longer value")
            + "; " + (allowed.isEmpty() ? "its grant maps it to no variable. Add e.g. 'env: {"
            + var + ": " + h.name() + "}' to the grant in the policy if this use is intended."
            : "its grant puts it only into " + allowed + ", as the whole value (\"" + var
            + "\": \"" + h.token() + "\" with the variable the grant names)."));
      }
    }
    return null;
  }

  private static String shown(List<String> argv) {
    String s = String.join(" ", argv).replaceAll("\\p{Cntrl}", "?");
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
