package dev.keyhole;

/** The provider answered that the referenced secret (or a key/field inside it) does not exist. */
public class SecretNotFoundException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public SecretNotFoundException(String message) {
    super(message);
  }
}
