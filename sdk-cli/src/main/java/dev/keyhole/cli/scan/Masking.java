package dev.keyhole.cli.scan;

/**
 * The masked preview of a value: enough for a person to tell two findings apart, never enough to
 * recover or shorten the search for the value.
 *
 * <ul>
 *   <li>Values shorter than 20 characters show no character at all, only a length bucket:
 *       {@code …[8-19]}. Short values are typically human-chosen passwords, where every revealed
 *       character and the exact length materially help a guesser.
 *   <li>Values of 20 characters or more show their first two characters and a bucket:
 *       {@code gh…[40-63]}. At least 18 characters stay hidden, i.e. at least 84 bits for even a
 *       lower-case-only random value, and the first characters of generated tokens are usually a
 *       public format prefix ({@code gh}, {@code AK}, {@code ey}, {@code --}) that the finding's
 *       kind already reveals. Non-printable or whitespace characters are shown as {@code ?}.
 *   <li>The exact length is never shown; buckets are 1-7, 8-19, 20-39, 40-63, 64-127, 128+.
 * </ul>
 */
public final class Masking {
  /** Values at least this long show their first two characters. */
  public static final int REVEAL_MIN_LENGTH = 20;

  private Masking() {}

  /** The preview of {@code value}. */
  public static String preview(CharSequence value) {
    int n = value.length();
    String bucket = "[" + bucket(n) + "]";
    if (n < REVEAL_MIN_LENGTH) {
      return "…" + bucket;
    }
    return printable(value.charAt(0)) + "" + printable(value.charAt(1)) + "…" + bucket;
  }

  static String bucket(int n) {
    if (n < 8) {
      return "1-7";
    } else if (n < 20) {
      return "8-19";
    } else if (n < 40) {
      return "20-39";
    } else if (n < 64) {
      return "40-63";
    } else if (n < 128) {
      return "64-127";
    }
    return "128+";
  }

  private static char printable(char c) {
    return c > 0x20 && c < 0x7f ? c : '?';
  }
}
