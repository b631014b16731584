package dev.keyhole;

/** A secret reference ({@code env:NAME}, {@code op://vault/item/field}, ...) is malformed. */
public class InvalidReferenceException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public InvalidReferenceException(String message) {
    super(message);
  }
}
