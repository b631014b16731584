package dev.keyhole.internal.redact;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An immutable multi-pattern matcher for long, random patterns (secret values and their encodings).
 *
 * <p>How it works. Let {@code L} be the shortest pattern and {@code q = min(8, L)}. Every
 * occurrence of a pattern of length {@code >= L} contains, at some offset {@code k < s} (where
 * {@code s = L - q + 1}, capped at {@link #MAX_STEP}), the q-gram that starts at a text position
 * that is a multiple of {@code s}. So the scan only hashes the q-gram at every {@code s}-th
 * position and probes a compact filter holding the hashes of each pattern's first {@code s}
 * q-grams. The filter is a table of 64-bit buckets, each holding four 15-bit fingerprints (high
 * bit set), so a probe is one memory read and a SWAR compare, and a false positive costs about one
 * probe in ten thousand. Only on a filter hit are the {@code s} possible start positions looked up
 * in a second table keyed by each pattern's first q-gram, and candidates compared exactly.
 *
 * <p>Random patterns rarely share q-grams with ordinary text, so the scan runs at a fraction of a
 * memory read per character, independently of the number of patterns; the tables are sized to
 * the pattern count, not to an automaton over the pattern text.
 *
 * <p>Security: holds the pattern characters in {@link #pool}; never prints them. The per-thread
 * scan buffer is wiped at the end of every scan.
 */
final class Matcher {
  /** Largest sampling step; bounds the filter at {@code MAX_STEP} entries per pattern. */
  static final int MAX_STEP = 16;

  static final int MAX_Q = 8;

  /** Characters copied per chunk into the scan buffer. */
  private static final int CHUNK = 8192;

  private static final ThreadLocal<byte[]> SCAN_BUFFER = ThreadLocal.withInitial(() -> new byte[CHUNK]);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long M1 = 0x9E3779B97F4A7C15L;
  private static final long M2 = 0xBF58476D1CE4E5B9L;
  private static final long LANE_ONES = 0x0001000100010001L;
  private static final long LANE_HIGH = 0x8000800080008000L;

  static final Matcher EMPTY = new Matcher();

  final int patternCount;
  final int minLen;
  final int maxLen;
  final int q;
  final int step;

  private final long[] filter;
  private final int filterShift;
  private final int filterMask;

  private final int[] gramKeys;
  private final int[] gramHeads;
  private final int gramShift;
  private final int gramMask;
  private final int[] nextSameGram;

  private final int[] patOffset;
  /** Pattern length; negative when the pattern is stored as UTF-16 (two pool bytes per char). */
  private final int[] patLen;

  private final int[] patOwner;
  private final byte[] pool;

  private Matcher() {
    patternCount = 0;
    minLen = Integer.MAX_VALUE;
    maxLen = 0;
    q = MAX_Q;
    step = 1;
    filter = new long[1];
    filterShift = 63;
    filterMask = 0;
    gramKeys = new int[1];
    gramHeads = new int[1];
    gramShift = 63;
    gramMask = 0;
    nextSameGram = new int[0];
    patOffset = new int[0];
    patLen = new int[0];
    patOwner = new int[0];
    pool = new byte[0];
  }

  /**
   * Builds a matcher.
   *
   * @param patterns the patterns (at least one character each; copied)
   * @param owners for each pattern, the id reported with its matches
   */
  static Matcher build(List<char[]> patterns, int[] owners) {
    return patterns.isEmpty() ? EMPTY : new Matcher(patterns, owners);
  }

  private Matcher(List<char[]> patterns, int[] owners) {
    int n = patterns.size();
    patternCount = n;
    int min = Integer.MAX_VALUE;
    int max = 0;
    long poolSize = 0;
    for (char[] p : patterns) {
      min = Math.min(min, p.length);
      max = Math.max(max, p.length);
      poolSize += isLatin1(p) ? p.length : 2L * p.length;
    }
    if (poolSize > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("Too many redaction patterns");
    }
    minLen = min;
    maxLen = max;
    q = Math.min(MAX_Q, min);
    step = Math.min(MAX_STEP, min - q + 1);

    pool = new byte[(int) poolSize];
    patOffset = new int[n];
    patLen = new int[n];
    patOwner = java.util.Arrays.copyOf(owners, n);
    int off = 0;
    for (int i = 0; i < n; i++) {
      off = store(patterns.get(i), i, off);
    }

    // Filter: four 16-bit lanes per bucket, about a third of the lanes used, so that few buckets
    // are full (a full bucket sends the probe on to the next one).
    long entries = (long) n * step;
    int bucketBits = Math.max(4, 64 - Long.numberOfLeadingZeros(Math.max(1, entries * 10 / 14)));
    filter = new long[1 << bucketBits];
    filterShift = 64 - bucketBits;
    filterMask = (1 << bucketBits) - 1;

    // First-gram table: open addressing, at most 50% full.
    int gramBits = Math.max(4, 64 - Long.numberOfLeadingZeros(2L * n - 1));
    gramKeys = new int[1 << gramBits];
    gramHeads = new int[1 << gramBits];
    gramShift = 64 - gramBits;
    gramMask = (1 << gramBits) - 1;
    nextSameGram = new int[n];

    for (int i = 0; i < n; i++) {
      index(patterns.get(i), i);
    }
  }

  /** Adds pattern {@code i}'s first {@code step} q-grams to the filter and its first to the table. */
  private void index(char[] p, int i) {
    // Rolling: gram k+1 is gram k shifted by one character.
    long g = gram(p, 0, q);
    long h0 = mix(g);
    addToFilter(h0);
    int top = 8 * (q - 1);
    for (int k = 1; k < step; k++) {
      g = (g >>> 8) | (fold(p[k + q - 1]) << top);
      addToFilter(mix(g));
    }
    int key = (int) h0;
    int slot = (int) (h0 >>> gramShift);
    while (gramHeads[slot] != 0 && gramKeys[slot] != key) {
      slot = (slot + 1) & gramMask;
    }
    gramKeys[slot] = key;
    nextSameGram[i] = gramHeads[slot];
    gramHeads[slot] = i + 1;
  }

  /** Copies pattern {@code i} into the pool at {@code off}; returns the next free offset. */
  private int store(char[] p, int i, int off) {
    patOffset[i] = off;
    if (isLatin1(p)) {
      patLen[i] = p.length;
      for (char c : p) {
        pool[off++] = (byte) c;
      }
    } else {
      patLen[i] = -p.length;
      for (char c : p) {
        pool[off++] = (byte) (c >>> 8);
        pool[off++] = (byte) c;
      }
    }
    return off;
  }

  private static boolean isLatin1(char[] p) {
    for (char c : p) {
      if (c > 0xFF) {
        return false;
      }
    }
    return true;
  }

  private void addToFilter(long h) {
    long fp = fingerprint(h);
    int b = (int) (h >>> filterShift);
    while (true) {
      long word = filter[b];
      if (hasLane(word, fp)) {
        return;
      }
      for (int lane = 0; lane < 4; lane++) {
        if (((word >>> (16 * lane)) & 0xFFFF) == 0) {
          filter[b] = word | (fp << (16 * lane));
          return;
        }
      }
      b = (b + 1) & filterMask;
    }
  }

  private static long fingerprint(long h) {
    return ((h >>> 16) & 0x7FFF) | 0x8000;
  }

  private static boolean hasLane(long word, long fp) {
    long x = word ^ (fp * LANE_ONES);
    return ((x - LANE_ONES) & ~x & LANE_HIGH) != 0;
  }

  private static long mix(long g) {
    long h = g * M1;
    h ^= h >>> 32;
    return h * M2;
  }

  /**
   * Folds a char to its low byte: exact for Latin-1 text. Other characters collide more often,
   * which only costs extra verification (matches are always compared exactly). The low byte is
   * what {@link String#getBytes(int, int, byte[], int)} copies, so the scan reads 8 characters as
   * one {@code long}.
   */
  private static long fold(char c) {
    return c & 0xFF;
  }

  private static long gram(char[] p, int at, int q) {
    long g = 0;
    for (int j = 0; j < q; j++) {
      g |= fold(p[at + j]) << (8 * j);
    }
    return g;
  }

  private static long gram(String s, int at, int q) {
    long g = 0;
    for (int j = 0; j < q; j++) {
      g |= fold(s.charAt(at + j)) << (8 * j);
    }
    return g;
  }

  /** Whether the filter may hold the q-gram hash {@code h}. */
  private boolean filterHit(long h) {
    long fp = fingerprint(h);
    int b = (int) (h >>> filterShift);
    while (true) {
      long word = filter[b];
      if (hasLane(word, fp)) {
        return true;
      }
      if ((word & LANE_HIGH) != LANE_HIGH) {
        return false;
      }
      b = (b + 1) & filterMask;
    }
  }

  /**
   * Adds every occurrence of every pattern lying within {@code text[from, to)} to {@code out}.
   * Allocates nothing unless something matches.
   *
   * @param out where to add matches, or null to allocate one on the first match
   * @param firstOnly stop at the first match (pass a null {@code out})
   * @return {@code out}, or the list allocated for the first match, or null when nothing matched
   */
  @Nullable MatchList scan(String text, int from, int to, @Nullable MatchList out, boolean firstOnly) {
    if (patternCount == 0) {
      return out;
    }
    final int last = to - q;
    final int s = step;
    if (q == MAX_Q) {
      return scan8(text, from, to, out, firstOnly);
    }
    for (int t = from; t <= last; t += s) {
      if (filterHit(mix(gram(text, t, q)))) {
        out = candidates(text, from, to, t, out);
        if (firstOnly && out != null) {
          return out;
        }
      }
    }
    return out;
  }

  /**
   * The hot loop for 8-character q-grams: copies the text chunk by chunk into a reusable byte
   * buffer (an array copy for Latin-1 strings) and reads each sampled q-gram as one {@code long}.
   */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): low bytes on purpose
  private @Nullable MatchList scan8(
      String text, int from, int to, @Nullable MatchList out, boolean firstOnly) {
    final int s = step;
    final long[] f = filter;
    final int shift = filterShift;
    final byte[] buf = SCAN_BUFFER.get();
    int used = 0;
    try {
      int t = from;
      while (t + MAX_Q <= to) {
        int base = t;
        int end = Math.min(to, base + CHUNK);
        text.getBytes(base, end, buf, 0);
        used = Math.max(used, end - base);
        int lim = end - MAX_Q;
        for (; t <= lim; t += s) {
          long h = mix((long) LONG_LE.get(buf, t - base));
          long word = f[(int) (h >>> shift)];
          if (hasLane(word, fingerprint(h)) || ((word & LANE_HIGH) == LANE_HIGH && filterHit(h))) {
            out = candidates(text, from, to, t, out);
            if (firstOnly && out != null) {
              return out;
            }
          }
        }
      }
      return out;
    } finally {
      // The buffer outlives the call (one per thread): leave no copy of the scanned text in it.
      java.util.Arrays.fill(buf, 0, used, (byte) 0);
    }
  }

  /** Checks every pattern start that the sample at {@code t} is responsible for. */
  private @Nullable MatchList candidates(
      String text, int from, int to, int t, @Nullable MatchList out) {
    for (int k = 0; k < step; k++) {
      int start = t - k;
      if (start < from) {
        break;
      }
      for (int p = firstWithGram(mix(gram(text, start, q))); p != 0; p = nextSameGram[p - 1]) {
        int i = p - 1;
        int len = Math.abs(patLen[i]);
        if (start + len <= to && regionMatches(text, start, i, len)) {
          if (out == null) {
            out = new MatchList();
          }
          out.add(start, start + len, patOwner[i]);
        }
      }
    }
    return out;
  }

  private int firstWithGram(long h) {
    int key = (int) h;
    int slot = (int) (h >>> gramShift);
    while (true) {
      int head = gramHeads[slot];
      if (head == 0 || gramKeys[slot] == key) {
        return head;
      }
      slot = (slot + 1) & gramMask;
    }
  }

  /** Whether the first {@code len} chars of pattern {@code i} equal {@code text} at {@code at}. */
  private boolean regionMatches(String text, int at, int i, int len) {
    int off = patOffset[i];
    if (patLen[i] >= 0) {
      for (int j = 0; j < len; j++) {
        if (text.charAt(at + j) != (char) (pool[off + j] & 0xFF)) {
          return false;
        }
      }
    } else {
      for (int j = 0; j < len; j++) {
        char c = (char) (((pool[off + 2 * j] & 0xFF) << 8) | (pool[off + 2 * j + 1] & 0xFF));
        if (text.charAt(at + j) != c) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Whether {@code text[at, text.length())}, which is shorter than the longest pattern, is a
   * proper prefix of some pattern (so the text that follows could complete a match). Tails shorter
   * than one q-gram always count as possible prefixes.
   */
  boolean couldStartPattern(String text, int at) {
    int rem = text.length() - at;
    if (patternCount == 0) {
      return false;
    }
    if (rem < q) {
      return true;
    }
    for (int p = firstWithGram(mix(gram(text, at, q))); p != 0; p = nextSameGram[p - 1]) {
      int i = p - 1;
      if (Math.abs(patLen[i]) > rem && regionMatches(text, at, i, rem)) {
        return true;
      }
    }
    return false;
  }

  /** Approximate retained heap of this matcher, in bytes (array payloads plus headers). */
  long footprintBytes() {
    long bytes = 16L * 9 + 64;
    bytes += 8L * filter.length + 4L * gramKeys.length + 4L * gramHeads.length;
    bytes += 4L * (nextSameGram.length + patOffset.length + patLen.length + patOwner.length);
    return bytes + pool.length;
  }

  @Override
  public String toString() {
    return "Matcher[" + patternCount + " patterns, step " + step + "]";
  }
}
