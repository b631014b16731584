package dev.keyhole.redact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The detectors' prefilter: finds every occurrence of any of many literals in one pass over the
 * text. A bitmap of the literals' first two characters rejects almost every position with two
 * array reads; only candidates are compared in full. Literals need at least two characters.
 */
final class LiteralIndex {
  /** One hit: where, and which literal (its index in the constructor's list). */
  record Hit(int position, int literal) {}

  private final String[] literals;
  private final boolean ignoreCase;
  private final long[] pairs = new long[65536 / 64];
  private final Map<Integer, int[]> byPair = new HashMap<>();

  /** @param ignoreCase match ASCII letters in any case */
  LiteralIndex(List<String> literals, boolean ignoreCase) {
    this.ignoreCase = ignoreCase;
    this.literals = new String[literals.size()];
    Map<Integer, List<Integer>> lists = new HashMap<>();
    for (int i = 0; i < literals.size(); i++) {
      String l = ignoreCase ? literals.get(i).toLowerCase(Locale.ROOT) : literals.get(i);
      if (l.length() < 2) {
        throw new IllegalArgumentException("literal needs at least 2 characters: " + l);
      }
      this.literals[i] = l;
      int key = pair(l.charAt(0), l.charAt(1));
      pairs[key >>> 6] |= 1L << key;
      lists.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    lists.forEach((k, v) -> byPair.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
  }

  private char fold(char c) {
    return ignoreCase && c >= 'A' && c <= 'Z' ? (char) (c | 0x20) : c;
  }

  private static int pair(char a, char b) {
    return ((a & 0xff) << 8) | (b & 0xff);
  }

  /** Every hit, in order of position (then of literal index). */
  List<Hit> find(CharSequence text) {
    List<Hit> out = null;
    int n = text.length() - 1;
    char next = n >= 0 ? fold(text.charAt(0)) : 0;
    for (int i = 0; i < n; i++) {
      char c = next;
      next = fold(text.charAt(i + 1));
      int key = pair(c, next);
      if ((pairs[key >>> 6] & (1L << key)) == 0 || c > 0xff || next > 0xff) {
        continue;
      }
      for (int li : byPair.get(key)) {
        String l = literals[li];
        if (matchesAt(text, i, l)) {
          if (out == null) {
            out = new ArrayList<>(4);
          }
          out.add(new Hit(i, li));
        }
      }
    }
    return out == null ? List.of() : out;
  }

  private boolean matchesAt(CharSequence text, int at, String l) {
    if (at + l.length() > text.length()) {
      return false;
    }
    for (int j = 2; j < l.length(); j++) {
      if (fold(text.charAt(at + j)) != l.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /** Whether any literal occurs in {@code text}. */
  boolean anyIn(CharSequence text) {
    return !find(text).isEmpty();
  }

  @Override
  public String toString() {
    return "LiteralIndex" + Arrays.toString(literals);
  }
}
