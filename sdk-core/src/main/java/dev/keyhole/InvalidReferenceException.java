package dev.keyhole;

import org.jspecify.annotations.Nullable;

/** A secret reference ({@code env:NAME}, {@code op://vault/item/field}, ...) is malformed. */
public class InvalidReferenceException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public InvalidReferenceException(String message) {
    super(message);
  }

  /** With a cause; the cause's text must not contain a value either (redact it first). */
  public InvalidReferenceException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
