package dev.keyhole;

/**
 * A destination (URL or host) could not be parsed unambiguously: user-info, a character that
 * splits the authority, a bad port, another scheme. Keyhole refuses rather than guess which host a
 * client would contact. The message names the input (query cut off) and how to write it.
 */
public class InvalidDestinationException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public InvalidDestinationException(String message) {
    super(message);
  }
}
