package dev.keyhole;

/**
 * A policy (file or builder input) is invalid. The message names the file, the path inside it
 * ({@code handles.github_token.destinations[1]}) and the reason.
 */
public class PolicyFileException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public PolicyFileException(String message) {
    super(message);
  }
}
