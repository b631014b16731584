package dev.keyhole;

/** A handle token ({@code secret://name}) or handle name is malformed. */
public class InvalidHandleException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public InvalidHandleException(String message) {
    super(message);
  }
}
