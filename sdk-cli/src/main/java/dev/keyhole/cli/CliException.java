package dev.keyhole.cli;

/**
 * A failure the user can act on: the message says what is wrong and how to fix it, and never
 * contains a secret value. Ends the command with exit code 2.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
