package dev.keyhole;

import org.jspecify.annotations.Nullable;

/**
 * The secret store refused Keyhole's own credentials (for example AWS {@code AccessDeniedException}
 * or a 403 from 1Password Connect). Fix the store's permissions; retrying will not help.
 */
public class SecretAccessDeniedException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public SecretAccessDeniedException(String message) {
    super(message);
  }

  /** With a cause; the cause's text must not contain a value either (redact it first). */
  public SecretAccessDeniedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
