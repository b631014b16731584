package dev.keyhole.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A detector for one token format: a literal keyword prefilter (case-sensitive), then a regular
 * expression run only in a window around each keyword hit, then an optional check of the match.
 */
final class PatternDetector implements SecretDetector {
  private final String id;
  private final String kind;
  private final String[] keywords;
  private final Pattern pattern;
  private final int before;
  private final int after;
  private final BiPredicate<CharSequence, Matcher> accept;

  /**
   * @param before how far before a keyword hit a match may start
   * @param after how far after a keyword hit a match may end
   * @param accept final check of a match (the text and the matcher positioned on it)
   */
  PatternDetector(String id, String kind, List<String> keywords, Pattern pattern, int before,
      int after, BiPredicate<CharSequence, Matcher> accept) {
    this.id = id;
    this.kind = kind;
    this.keywords = keywords.toArray(new String[0]);
    this.pattern = pattern;
    this.before = before;
    this.after = after;
    this.accept = accept;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public List<Detection> detect(CharSequence text) {
    Objects.requireNonNull(text, "text");
    String s = text.toString();
    List<Detection> out = null;
    int[] hits = Keywords.positions(s, keywords, false);
    int scannedTo = 0;
    Matcher m = null;
    for (int hit : hits) {
      int from = Math.max(scannedTo, Math.max(0, hit - before));
      int to = Math.min(s.length(), hit + after);
      if (from >= to) {
        continue;
      }
      if (m == null) {
        m = pattern.matcher(s);
      }
      m.region(from, to);
      m.useTransparentBounds(true);
      m.useAnchoringBounds(false);
      while (m.find()) {
        if (accept.test(s, m)) {
          if (out == null) {
            out = new ArrayList<>(2);
          }
          out.add(new Detection(id, kind, m.start(), m.end()));
          scannedTo = Math.max(scannedTo, m.end());
        }
      }
      scannedTo = Math.max(scannedTo, from);
    }
    return out == null ? List.of() : List.copyOf(out);
  }

  @Override
  public String toString() {
    return "SecretDetector[" + id + "]";
  }
}
