package dev.keyhole;

import org.jspecify.annotations.Nullable;

/** The provider answered that the referenced secret (or a key/field inside it) does not exist. */
public class SecretNotFoundException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public SecretNotFoundException(String message) {
    super(message);
  }

  /** With a cause; the cause's text must not contain a value either (redact it first). */
  public SecretNotFoundException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
