package dev.keyhole.cli.scan;

import org.jspecify.annotations.Nullable;

/**
 * A possible finding before de-duplication: a range of the scanned text, the rule that matched,
 * and the value to fingerprint (the decoded value, e.g. without quotes or escapes).
 *
 * <p>Security: holds the value; {@code toString} does not print it.
 */
final class Candidate {
  /** Core detectors know token formats, so they win over the CLI's key-name rules. */
  static final int DETECTOR = 2;
  static final int RULE = 1;

  final int start;
  final int end;
  final String ruleId;
  final String kind;
  @Nullable String key;
  final int priority;
  final String value;

  Candidate(int start, int end, String ruleId, String kind, @Nullable String key, int priority,
      String value) {
    this.start = start;
    this.end = end;
    this.ruleId = ruleId;
    this.kind = kind;
    this.key = key;
    this.priority = priority;
    this.value = value;
  }

  boolean overlaps(Candidate o) {
    return start < o.end && o.start < end;
  }

  @Override
  public String toString() {
    return "Candidate[" + ruleId + " " + start + "-" + end + (key == null ? "" : " " + key) + "]";
  }
}
