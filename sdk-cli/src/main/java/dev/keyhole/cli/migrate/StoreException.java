package dev.keyhole.cli.migrate;

import java.util.List;

/**
 * A store write failed. The message says what failed and how to fix it, without values;
 * {@link #storedKeys()} lists keys of the file that the store already holds (for per-key stores).
 */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> storedKeys;

  StoreException(String message, List<String> storedKeys) {
    super(message);
    this.storedKeys = List.copyOf(storedKeys);
  }

  StoreException(String message) {
    this(message, List.of());
  }

  /** Keys written to the store before the failure. */
  public List<String> storedKeys() {
    return storedKeys;
  }
}
