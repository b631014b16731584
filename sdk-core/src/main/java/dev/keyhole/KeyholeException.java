package dev.keyhole;

import org.jspecify.annotations.Nullable;

/**
 * Root of every error Keyhole throws. Unchecked.
 *
 * <p>Messages say what failed and how to fix it; they name handles and references (which are not
 * secret) and never contain a secret value. {@link #retryable()} tells a caller whether the same
 * call may succeed later (throttling, a provider outage) or will fail again (not found, denied).
 *
 * <p>Security: subclasses must keep the "no value in the message" rule; causes from third-party
 * code are attached only after their text has been redacted.
 */
public class KeyholeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public KeyholeException(String message) {
    this(message, null, false);
  }

  public KeyholeException(String message, @Nullable Throwable cause) {
    this(message, cause, false);
  }

  public KeyholeException(String message, @Nullable Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether repeating the same call later may succeed. */
  public boolean retryable() {
    return retryable;
  }
}
