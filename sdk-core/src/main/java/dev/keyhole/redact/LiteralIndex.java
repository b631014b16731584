package dev.keyhole.redact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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
  /** Pairs that are whole literals (two characters long): no third character to check. */
  private final long[] shortPairs = new long[65536 / 64];
  /** A hash of the first three characters of every longer literal. */
  private final long[] triples = new long[65536 / 64];
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
      if (l.length() == 2) {
        shortPairs[key >>> 6] |= 1L << key;
      } else {
        int t = triple(key, l.charAt(2));
        triples[t >>> 6] |= 1L << t;
      }
      lists.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    lists.forEach((k, v) -> byPair.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
  }

  private char fold(char c) {
    return ignoreCase && c >= 'A' && c <= 'Z' ? (char) (c | 0x20) : c;
  }

  private static int triple(int pair, char c) {
    return (pair * 31 + c) & 0xffff;
  }

  private static int pair(char a, char b) {
    return ((a & 0xff) << 8) | (b & 0xff);
  }

  /** Every hit, in order of position (then of literal index). */
  List<Hit> find(CharSequence text) {
    String t = text.toString();
    int n = t.length();
    List<Hit> out = null;
    int c0 = n == 0 ? 0 : fold(t.charAt(0));
    for (int i = 1; i < n; i++) {
      int c1 = t.charAt(i);
      if (ignoreCase && c1 >= 'A' && c1 <= 'Z') {
        c1 |= 0x20;
      }
      int key = (c0 << 8) | c1;
      if (key <= 0xffff && (pairs[key >>> 6] & (1L << key)) != 0) {
        out = candidate(t, i - 1, key, out);
      }
      c0 = c1;
    }
    return out == null ? List.of() : out;
  }

  /** A pair hit at {@code at}: checks the third character's hash, then the literals in full. */
  private @Nullable List<Hit> candidate(String t, int at, int key, @Nullable List<Hit> out) {
    long bit = 1L << key;
    if ((shortPairs[key >>> 6] & bit) == 0
        && (at + 2 >= t.length() || !hasTriple(key, t.charAt(at + 2)))) {
      return out;
    }
    List<Hit> hits = out;
    for (int li : byPair.get(key)) {
      if (matchesAt(t, at, literals[li])) {
        if (hits == null) {
          hits = new ArrayList<>(4);
        }
        hits.add(new Hit(at, li));
      }
    }
    return hits;
  }

  private boolean hasTriple(int pair, char c) {
    int t = triple(pair, fold(c));
    return (triples[t >>> 6] & (1L << t)) != 0;
  }

  private boolean matchesAt(String text, int at, String l) {
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
