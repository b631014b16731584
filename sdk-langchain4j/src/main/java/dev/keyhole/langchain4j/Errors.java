package dev.keyhole.langchain4j;

import dev.keyhole.KeyholeException;
import dev.keyhole.Redactor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Error text handling shared by the guards. */
final class Errors {
  private Errors() {}

  /**
   * {@code e} itself when neither its messages nor its causes' hold a live value; otherwise a
   * {@link KeyholeException} with the redacted message chain that does not chain {@code e}.
   */
  static Throwable sanitized(Throwable e, Redactor redactor, String what) {
    String chain = messageChain(e);
    if (!redactor.containsSecret(chain)) {
      return e;
    }
    return new KeyholeException(what + ": " + redactor.redact(chain));
  }

  /** As {@link #sanitized(Throwable, Redactor, String)} for unchecked exceptions. */
  static RuntimeException sanitized(RuntimeException e, Redactor redactor, String what) {
    return (RuntimeException) sanitized((Throwable) e, redactor, what);
  }

  /** {@code Type: message; caused by Type: message; ...} (not redacted). */
  static String messageChain(Throwable t) {
    StringBuilder sb = new StringBuilder();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
      if (sb.length() > 0) {
        sb.append("; caused by ");
      }
      sb.append(c.getClass().getSimpleName());
      if (c.getMessage() != null) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }

  /**
   * The text LangChain4j's {@code ToolService} would send to the model for a tool exception: the
   * message of the cause (or of the exception when it has none), else the class name.
   */
  static String toolErrorText(Throwable e) {
    return ownText(e.getCause() != null ? e.getCause() : e);
  }

  /** The message of {@code t}, or its class name when it has none. */
  static String ownText(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getName() : m;
  }
}
