package dev.keyhole.internal;

import dev.keyhole.Redactor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Redacted text of exceptions: message with the cause chain, and the full trace. */
public final class Throwables {
  private Throwables() {}

  /** {@code Type: message; caused by Type: message; ...}, redacted. */
  public static String redactedMessage(Throwable t, Redactor redactor) {
    StringBuilder sb = new StringBuilder();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable c = t;
    while (c != null && seen.add(c)) {
      if (sb.length() > 0) {
        sb.append("; caused by ");
      }
      sb.append(c.getClass().getSimpleName());
      String m = c.getMessage();
      if (m != null) {
        sb.append(": ").append(m);
      }
      c = c.getCause();
    }
    return redactor.redact(sb.toString());
  }

  /** The exception's own message (no type, no causes), redacted; empty if none. */
  public static String redactedOwnMessage(Throwable t, Redactor redactor) {
    String m = t.getMessage();
    return m == null ? "" : redactor.redact(m);
  }

  /** The stack trace text, including causes and suppressed exceptions, redacted. */
  public static String redactedTrace(Throwable t, Redactor redactor) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return redactor.redact(w.toString());
  }
}
