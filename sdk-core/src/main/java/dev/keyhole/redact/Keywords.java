package dev.keyhole.redact;

import java.util.Arrays;

/** The cheap prefilter of the detectors: where any of a few literal keywords occur. */
final class Keywords {
  private Keywords() {}

  /**
   * Sorted, distinct start offsets of every occurrence of any keyword in {@code text}.
   *
   * @param ignoreCase match ASCII letters in any case (keywords must be lower case)
   */
  static int[] positions(String text, String[] keywords, boolean ignoreCase) {
    int[] out = new int[4];
    int n = 0;
    if (!ignoreCase) {
      for (String k : keywords) {
        for (int i = text.indexOf(k); i >= 0; i = text.indexOf(k, i + 1)) {
          if (n == out.length) {
            out = Arrays.copyOf(out, n * 2);
          }
          out[n++] = i;
        }
      }
    } else {
      long firstChars = 0;
      for (String k : keywords) {
        firstChars |= 1L << (k.charAt(0) - 'a');
      }
      for (int i = 0; i < text.length(); i++) {
        char c = (char) (text.charAt(i) | 0x20);
        if (c < 'a' || c > 'z' || (firstChars & (1L << (c - 'a'))) == 0) {
          continue;
        }
        for (String k : keywords) {
          if (k.charAt(0) == c && text.regionMatches(true, i, k, 0, k.length())) {
            if (n == out.length) {
              out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = i;
            break;
          }
        }
      }
    }
    int[] sorted = Arrays.copyOf(out, n);
    Arrays.sort(sorted);
    return Arrays.stream(sorted).distinct().toArray();
  }
}
