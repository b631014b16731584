package dev.keyhole.langchain4j;

import dev.keyhole.KeyholeException;

/**
 * Keyhole refused to pass on text that still held a live secret value after redaction: a model
 * request, a model response, or a chat-memory write. Keyhole fails closed: nothing was sent or
 * stored. Typical causes are a value inside content Keyhole cannot rewrite (an image, audio, video or
 * PDF, a non-text attribute) or inside a tool's own description.
 *
 * <p>The message says where the value was (message index and role, tool name, content kind); it
 * never contains the value. Not retryable: remove the value at its source.
 */
public class SecretLeakBlockedException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  private final String location;

  /** @param location where the value was found, e.g. {@code "request message 3 (USER), image"} */
  public SecretLeakBlockedException(String location) {
    super("Keyhole blocked the " + location + ": it still holds a live secret value after redaction."
        + " Nothing was sent or stored. Remove the value at its source; the model may only see"
        + " handles such as secret://name.");
    this.location = location;
  }

  /** Where the value was found. */
  public String location() {
    return location;
  }
}
