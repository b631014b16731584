package dev.keyhole.tools;

import dev.keyhole.KeyholeException;

/**
 * The model sent arguments a tool cannot use: not a JSON object, a missing or unknown field, a
 * handle where handles are not allowed, a working directory outside the allowed root, an executable
 * that does not exist. Thrown before any handle resolves. The message says what is wrong and how to
 * fix it, names fields and handles, and never holds a value.
 */
public class ToolArgumentsException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public ToolArgumentsException(String message) {
    super(message);
  }
}
