package dev.keyhole.internal.redact;

/**
 * Whether a value is distinctive enough to redact without rewriting ordinary text: long enough,
 * and not a repetition or a simple run ({@code aaaaaaaa}, {@code abababab}, {@code 12345678}).
 */
public final class ValueQuality {
  /** Shannon entropy below this many bits per character counts as low entropy. */
  static final double MIN_BITS_PER_CHAR = 2.0;

  private ValueQuality() {}

  /** Shannon entropy of the characters of {@code s}, in bits per character. */
  public static double bitsPerChar(CharSequence s) {
    int n = s.length();
    if (n == 0) {
      return 0;
    }
    java.util.HashMap<Character, int[]> counts = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.computeIfAbsent(s.charAt(i), k -> new int[1])[0]++;
    }
    double h = 0;
    for (int[] c : counts.values()) {
      double p = (double) c[0] / n;
      h -= p * (Math.log(p) / Math.log(2));
    }
    return h;
  }

  /**
   * True for values that would match ordinary text: fewer than 4 distinct characters, entropy
   * below {@link #MIN_BITS_PER_CHAR}, or an arithmetic run such as {@code 12345678} or {@code
   * hgfedcba}.
   */
  public static boolean isLowEntropy(CharSequence s) {
    if (s.chars().distinct().count() < 4 || bitsPerChar(s) < MIN_BITS_PER_CHAR) {
      return true;
    }
    int step = s.charAt(1) - s.charAt(0);
    for (int i = 2; i < s.length(); i++) {
      if (s.charAt(i) - s.charAt(i - 1) != step) {
        return false;
      }
    }
    return true;
  }
}
