package dev.keyhole.springai;

import dev.keyhole.KeyholeException;

/**
 * A live secret value was still found in text headed for the model (or the chat memory) after
 * redaction, so Keyhole refused to send or store it. The message names where, never the value.
 */
public final class SecretLeakBlockedException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public SecretLeakBlockedException(String where) {
    super("Keyhole blocked a " + where + ": it held a live secret value that could not be redacted."
        + " Nothing was sent or stored; pass handles (secret://NAME), never values");
  }
}
