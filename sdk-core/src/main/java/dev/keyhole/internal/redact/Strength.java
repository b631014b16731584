package dev.keyhole.internal.redact;

import java.nio.CharBuffer;
import java.util.Arrays;

/**
 * Dictionary-aware guessability of a value, estimated with zxcvbn (the zxcvbn4j port): common
 * passwords, names and words (also reversed and l33t-spelled), keyboard walks, repeats, sequences,
 * dates and years. It catches what the entropy check of {@link ValueQuality} lets through, such as
 * {@code password}, {@code abcdabcd} or {@code Winter2026!}.
 *
 * <p>Threshold: a value is guessable when zxcvbn estimates fewer than 10^8 guesses, the boundary
 * between zxcvbn's score 2 ("somewhat guessable: protection from unthrottled online attacks") and
 * score 3 ("safely unguessable"). A random value of 8 characters is estimated at about 10^8 (zxcvbn
 * counts 10 guesses per brute-forced character) and passes unless it happens to contain words; 12
 * random alphanumeric characters or more always pass.
 *
 * <p>Cost: zxcvbn's matching grows faster than linearly with the length, so values longer than
 * {@link #WINDOW} characters are measured a window at a time and the estimates of the windows are
 * multiplied (their logarithms added) until they reach the threshold: a random value costs one
 * window. zxcvbn loads its dictionaries on first use.
 *
 * <p>Security: zxcvbn copies the value into wipeable buffers that are wiped after each estimate, but
 * its dictionary look-ups build short-lived {@code String}s of parts of it (as do other parts of
 * registration); nothing is logged or kept.
 */
public final class Strength {
  /** Values estimated at fewer guesses than 10 to this power are guessable. */
  static final double MIN_GUESSES_LOG10 = 8.0;

  /** Longer values are measured in consecutive windows of this many characters. */
  static final int WINDOW = 16;

  /** Characters past this are not measured (the windows before them decide). */
  static final int MAX_MEASURED = 256;

  private Strength() {}

  /** Whether zxcvbn estimates fewer than 10^8 guesses for {@code value} (not modified). */
  public static boolean isGuessable(char[] value) {
    return guessesLog10(value) < MIN_GUESSES_LOG10;
  }

  /**
   * log10 of zxcvbn's guess estimate: of the whole value up to {@link #WINDOW} characters, else
   * the sum over consecutive windows, stopping as soon as it reaches {@link #MIN_GUESSES_LOG10}.
   */
  static double guessesLog10(char[] value) {
    double sum = 0;
    int end = Math.min(value.length, MAX_MEASURED);
    for (int from = 0; from < end; from += WINDOW) {
      sum += measure(value, from, Math.min(end, from + WINDOW));
      if (sum >= MIN_GUESSES_LOG10) {
        break;
      }
    }
    return sum;
  }

  private static double measure(char[] value, int from, int to) {
    // zxcvbn's wipe() also wipes the sequence it was given: give it a copy of the window.
    char[] window = Arrays.copyOfRange(value, from, to);
    com.nulabinc.zxcvbn.Strength s = null;
    try {
      s = Holder.ZXCVBN.measure(CharBuffer.wrap(window));
      return s.getGuessesLog10();
    } finally {
      if (s != null) {
        s.wipe();
      }
      Arrays.fill(window, '\0');
    }
  }

  /** Loaded on first use: building zxcvbn's dictionaries takes a moment. */
  private static final class Holder {
    static final com.nulabinc.zxcvbn.Zxcvbn ZXCVBN = new com.nulabinc.zxcvbn.Zxcvbn();
  }
}
