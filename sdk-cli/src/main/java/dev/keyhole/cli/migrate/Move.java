package dev.keyhole.cli.migrate;

import java.util.List;
import java.util.Objects;

/**
 * One value to move: its key (the field or JSON key in the store), the handle and reference it will
 * have, and the ranges of the file's text that hold it (several when a {@code .env} key repeats).
 *
 * <p>Security: holds the value; {@code toString} prints key, handle and reference only.
 */
public final class Move {
  private final String key;
  private final String handle;
  private final String reference;
  private final String value;
  private final int line;
  private final String preview;
  private final String fingerprint;
  private final List<int[]> ranges;

  Move(String key, String handle, String reference, String value, int line, String preview,
      String fingerprint, List<int[]> ranges) {
    this.key = Objects.requireNonNull(key);
    this.handle = Objects.requireNonNull(handle);
    this.reference = Objects.requireNonNull(reference);
    this.value = Objects.requireNonNull(value);
    this.line = line;
    this.preview = preview;
    this.fingerprint = fingerprint;
    this.ranges = ranges.stream().map(int[]::clone).toList();
  }

  /** The key: the field label in 1Password, the JSON key or secret suffix in AWS. */
  public String key() {
    return key;
  }

  /** The Keyhole handle name, e.g. {@code github_token}. */
  public String handle() {
    return handle;
  }

  /** The reference left in the file, e.g. {@code op://Dev/app-env/GITHUB_TOKEN}. */
  public String reference() {
    return reference;
  }

  /** The value (only the stores read it). */
  String value() {
    return value;
  }

  public int line() {
    return line;
  }

  public String preview() {
    return preview;
  }

  public String fingerprint() {
    return fingerprint;
  }

  /** The {@code [start, end)} ranges of the working text to replace with the reference. */
  List<int[]> ranges() {
    return ranges.stream().map(int[]::clone).toList();
  }

  Move withReference(String handleName, String ref) {
    return new Move(key, handleName, ref, value, line, preview, fingerprint, ranges);
  }

  @Override
  public String toString() {
    return "Move[" + key + " -> " + reference + " as secret://" + handle + "]";
  }
}
