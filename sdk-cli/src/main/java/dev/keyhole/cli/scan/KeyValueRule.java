package dev.keyhole.cli.scan;

import java.util.List;

/**
 * The shared judgement for a {@code key = value} pair found in a .env file, a config file or a
 * script: a secret-named key with a real-looking value is a finding of {@code ruleId}; otherwise a
 * password inside a URL value is a {@link Rules#URL_CREDENTIALS} finding.
 */
final class KeyValueRule {
  private KeyValueRule() {}

  /**
   * Judges one {@code key = value} pair and adds a candidate to {@code out} if it is a finding.
   *
   * @param name the key name judged (the last path segment for nested config keys)
   * @param key the key reported with the finding (for nested config keys, the full dotted path)
   * @param exact whether {@code text[start, end)} is exactly {@code value} (no quotes or escapes
   *     in between), so that sub-ranges of the value can be located
   * @return whether a candidate was added
   */
  static boolean judge(List<Candidate> out, String ruleId, String name, String key, String value,
      int start, int end, boolean exact) {
    if (value.isBlank() || Heuristics.isPlaceholder(value) || Heuristics.isReference(value)
        || Heuristics.insidePresignedUrl(value, 0, value.length())) {
      return false;
    }
    if (Heuristics.isSecretKeyName(name)) {
      out.add(new Candidate(start, end, ruleId, Rules.kind(ruleId), key, Candidate.RULE, value));
      return true;
    }
    return urlPassword(out, key, value, start, exact);
  }

  /** Adds a URL-credentials candidate for a password inside {@code value}, if there is one. */
  static boolean urlPassword(List<Candidate> out, String key, String value, int start,
      boolean exact) {
    int[] r = Heuristics.urlPasswordRange(value);
    if (r == null || !exact) {
      return false;
    }
    out.add(new Candidate(start + r[0], start + r[1], Rules.URL_CREDENTIALS,
        Rules.kind(Rules.URL_CREDENTIALS), key.isEmpty() ? null : key, Candidate.RULE,
        value.substring(r[0], r[1])));
    return true;
  }
}
