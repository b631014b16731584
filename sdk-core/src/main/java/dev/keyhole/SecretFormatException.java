package dev.keyhole;

import org.jspecify.annotations.Nullable;

/**
 * The secret exists but is not in the expected shape: not JSON when a JSON key was asked for, empty,
 * binary where text was needed, a provider answer with no value. The message never quotes the value.
 */
public class SecretFormatException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public SecretFormatException(String message) {
    super(message);
  }

  /** With a cause; the cause's text must not contain a value either (redact it first). */
  public SecretFormatException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
