package dev.keyhole.internal.redact;

import java.util.ArrayList;
import java.util.List;

/**
 * The encoded forms the engine matches for a value, as strings. Internal: for benchmarks that feed
 * the same pattern set to baseline matchers, and for diagnostics. Never log the result.
 */
public final class RedactionForms {
  private RedactionForms() {}

  /** The distinct forms of a text value that are at least {@code minLength} characters long. */
  public static List<String> of(String value, int minLength) {
    List<String> out = new ArrayList<>();
    for (char[] f : Forms.ofText(value.toCharArray(), minLength)) {
      out.add(new String(f));
    }
    return out;
  }
}
