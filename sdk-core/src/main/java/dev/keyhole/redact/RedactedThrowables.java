package dev.keyhole.redact;

import dev.keyhole.Redactor;
import dev.keyhole.internal.Throwables;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Redacted views of exceptions, for tool errors that go back to the model and for logs: the
 * message with its cause chain, the full stack trace text, and a redacted copy of the whole
 * exception tree (message, causes, suppressed exceptions, stack frames).
 *
 * <p>Security: exception messages are a common way for a value to escape (a driver echoing a
 * connection string, an HTTP client quoting a header). Everything these methods return has passed
 * through the given {@link Redactor}; the copy keeps no reference to the original exception.
 */
public final class RedactedThrowables {
  private RedactedThrowables() {}

  /** {@code Type: message; caused by Type: message; ...}, redacted. Cycles are cut. */
  public static String message(Throwable t, Redactor redactor) {
    return Throwables.redactedMessage(Objects.requireNonNull(t, "t"), redactor);
  }

  /** The stack trace text as {@link Throwable#printStackTrace()} writes it, redacted. */
  public static String stackTrace(Throwable t, Redactor redactor) {
    return Throwables.redactedTrace(Objects.requireNonNull(t, "t"), redactor);
  }

  /**
   * A copy of {@code t} in which every message is redacted: each exception of the tree (causes
   * and suppressed ones included) becomes a {@link RedactedException} that keeps the original
   * class name and stack frames. Shared or cyclic references stay shared.
   */
  public static RedactedException copy(Throwable t, Redactor redactor) {
    return copy(Objects.requireNonNull(t, "t"), redactor, new IdentityHashMap<>());
  }

  private static RedactedException copy(
      Throwable t, Redactor redactor, Map<Throwable, RedactedException> done) {
    RedactedException existing = done.get(t);
    if (existing != null) {
      return existing;
    }
    String m = t.getMessage();
    RedactedException copy =
        new RedactedException(t.getClass().getName(), m == null ? null : redactor.redact(m));
    done.put(t, copy);
    copy.setStackTrace(t.getStackTrace());
    Throwable cause = t.getCause();
    if (cause != null && cause != t) {
      copy.initCause(copy(cause, redactor, done));
    }
    for (Throwable s : t.getSuppressed()) {
      copy.addSuppressed(copy(s, redactor, done));
    }
    return copy;
  }

  /**
   * A redacted stand-in for an exception of another class. {@link #toString()} prints the original
   * class name, so stack traces read like the original's.
   */
  public static final class RedactedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String originalClassName;

    RedactedException(String originalClassName, @Nullable String redactedMessage) {
      super(redactedMessage);
      this.originalClassName = originalClassName;
    }

    /** The fully qualified class name of the exception this copies. */
    public String originalClassName() {
      return originalClassName;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // frames are copied from the original
    }

    // Deliberate: stack traces print toString(), which must name the original class, not this one.
    @SuppressWarnings("OverrideThrowableToString")
    @Override
    public String toString() {
      String m = getLocalizedMessage();
      return m == null ? originalClassName : originalClassName + ": " + m;
    }
  }
}
