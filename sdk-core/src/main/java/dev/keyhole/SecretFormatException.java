package dev.keyhole;

/**
 * The secret exists but is not in the expected shape: not JSON when a JSON key was asked for, empty,
 * binary where text was needed, a provider answer with no value. The message never quotes the value.
 */
public class SecretFormatException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public SecretFormatException(String message) {
    super(message);
  }
}
