package dev.keyhole.internal.redact;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.IntBinaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * An immutable multi-pattern matcher for long, random patterns (the forms of secret values), with
 * separator tolerance as a property of the matcher: a {@link FormSet#TOLERANT} form also matches
 * when line breaks, spaces, tabs or colons sit between any two of its characters (up to {@link
 * #MAX_GAP} in a row), wherever the wrapping of the output put them.
 *
 * <p>How it works. The scan reads a q-gram ({@code q = min(8, shortest pattern)}) at every
 * {@code s}-th text position ({@code s} up to {@link #MAX_STEP}), hashes it and probes a compact
 * filter. The q-gram is taken over the <em>skeleton</em> of the text: separator characters (every
 * byte up to space, and the colon) are skipped, within a window of {@link #window} characters, and
 * ASCII letters are folded to lower case. A text window without separators (most of them) costs one
 * 8-byte read and a SWAR test; otherwise the kept bytes are gathered from the window.
 *
 * <p>Why it finds every occurrence. Let an occurrence start at {@code p}; the first sample {@code
 * t >= p} lies fewer than {@code s} characters after it, so fewer than {@code s} skeleton
 * characters of the occurrence precede {@code t}. For a tolerant form the skeleton q-gram at
 * {@code t} is therefore the form's q-gram at an offset {@code k < s}; for an exact form it is the
 * form's own skeleton q-gram at raw offset {@code t - p < s}. The filter holds, for every pattern,
 * exactly those first {@code s} q-grams, so a wrap position (which depends on what precedes the
 * secret) never matters. A filter hit checks the {@code s} possible starts: the skeleton q-gram
 * there is looked up among the patterns' first q-grams (a sorted table), and candidates are
 * verified character by character (skipping separators for tolerant forms, ignoring case where the
 * form says so). The window is wide enough for {@code q} characters with {@link #MAX_GAP}
 * separators between each two, so a tolerant occurrence is found whenever none of its separator
 * runs is longer than that, however the output wrapped it and whatever separators the value holds.
 *
 * <p>The filter is a blocked Bloom filter: one 64-bit word per probe with {@link #K} bits set per
 * q-gram, about {@link #BITS_PER_ENTRY} bits per entry (a false positive happens about once in 150
 * probes and costs a look at the candidates, which reads the sample's neighbourhood from the scan
 * buffer: a shift, a hash and a small-filter probe per possible start). It needs no probing
 * sequence, so a probe is one memory read and a mask compare, and the build only ORs bits. The scan
 * first computes every sample's filter word and bits for a chunk, then probes them in a tight loop,
 * so many cache misses are in flight at once. Few patterns get at least {@link #MIN_WORDS} words,
 * which keeps the filter sparse: a false positive on a q-gram that ordinary text repeats would
 * otherwise cost a candidate check at every repetition. Patterns are described by
 * {@link FormSet} (a kind over a shared source array), so the heap holds each value's bytes once
 * rather than two dozen encoded copies.
 *
 * <p>Security: holds references to the source arrays of the forms; never prints them. The
 * per-thread scan buffer is wiped at the end of every scan.
 */
final class Matcher {
  /** Largest sampling step; bounds the filter at {@code MAX_STEP} entries per pattern. */
  static final int MAX_STEP = 24;

  static final int MAX_Q = 8;

  /** Separator characters allowed in a row between two characters of a tolerant form. */
  static final int MAX_GAP = 16;

  /**
   * Characters a text q-gram may span (more when a registered value itself needs it): {@code q}
   * characters of a tolerant form with a full {@link #MAX_GAP} between each two, so separators
   * never push a sample's q-gram out of reach. Text without long separator runs never reads that
   * far (the q-gram ends at its {@code q}-th kept character).
   */
  static final int MIN_WINDOW = MAX_Q + (MAX_Q - 1) * MAX_GAP;

  /** Characters copied per chunk into the scan buffer. */
  private static final int CHUNK = 8192;

  /** Filter bits per entry (q-gram of a pattern at one of its first {@code step} offsets). */
  static final int BITS_PER_ENTRY = 12;

  /** Bits set per entry in the filter's word. */
  static final int K = 4;

  /** The smallest filter, in words: few patterns get a sparse filter that still fits in L1. */
  static final int MIN_WORDS = 2048;

  /**
   * Per-thread scan state: the text chunk as bytes, and the hash of each sample of the chunk (0 for
   * a sample without a complete q-gram).
   */
  private static final class Scratch {
    byte[] buf = new byte[CHUNK + MIN_WINDOW + MAX_STEP + 8];
    /**
     * Each sample's filter bits (-1 for a sample without a complete q-gram: a hit only on a
     * saturated word, which {@code candidates} then skips).
     */
    final long[] bits = new long[CHUNK];
    /** Each sample's filter word. */
    final int[] word = new int[CHUNK];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long M1 = 0x9E3779B97F4A7C15L;
  private static final long M2 = 0xBF58476D1CE4E5B9L;
  private static final long BYTE_HIGH = 0x8080808080808080L;
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long BELOW_0X21 = 0x5F5F5F5F5F5F5F5FL;
  private static final long COLONS = 0x3A3A3A3A3A3A3A3AL;
  private static final long FOLD = 0x2020202020202020L;

  /**
   * Byte compaction without a shuffle instruction: for each 8-bit keep mask, three masks of the
   * bytes that move right by 1, 2 and 4 places (the distance each kept byte travels, bit by bit,
   * least significant first, which never lets a moving byte land on one that stays).
   */
  private static final long[] COMPRESS = new long[256 * 3];

  static {
    for (int m = 0; m < 256; m++) {
      int[] pos = new int[8];
      int[] dist = new int[8];
      int n = 0;
      for (int i = 0; i < 8; i++) {
        if ((m >> i & 1) != 0) {
          pos[n] = i;
          dist[n] = i - n;
          n++;
        }
      }
      for (int stage = 0; stage < 3; stage++) {
        long mv = 0;
        for (int k = 0; k < n; k++) {
          if ((dist[k] >> stage & 1) != 0) {
            mv |= 0xFFL << (8 * pos[k]);
            pos[k] -= 1 << stage;
          }
        }
        COMPRESS[3 * m + stage] = mv;
      }
    }
  }

  static final Matcher EMPTY = new Matcher();

  final int patternCount;
  final int minLen;
  final int maxLen;
  /** The longest stretch of text one match can cover (separators of tolerant forms included). */
  final int maxExtent;
  final int q;
  final int step;
  final int window;
  /** Whether some pattern starts with a character the q-gram skips (then any position may start). */
  private final boolean separatorStart;

  private final long qMask;
  private final long qHigh;
  private final long qFold;

  private final long[] filter;
  private final int words;
  /** Patterns the filter was sized for (at the last full build); {@link #plus} adds up to 1/8 more. */
  private final int sizedFor;

  /** First-q-gram key of each pattern, sorted (unsigned); patterns are stored in this order. */
  private final int[] firstKeys;
  /**
   * Key of each pattern's second q-gram (kept characters {@code q..2q-1}), or 0 when it has fewer:
   * checked before a candidate is verified, because many forms share their first q-gram (the
   * {@code 0x6b,0x7} of a C array covers a byte and a half of the value).
   */
  private final int[] secondKeys;
  /** A small Bloom filter of the first keys, checked before the directory (which misses caches). */
  private final long[] firstFilter;
  private final int[] dir;
  private final int dirShift;

  private final int[] meta;
  private final Object[] data;
  private final int[] len;
  private final int[] owner;

  private Matcher() {
    patternCount = 0;
    minLen = Integer.MAX_VALUE;
    maxLen = 0;
    maxExtent = 0;
    q = MAX_Q;
    step = 1;
    window = MIN_WINDOW;
    separatorStart = false;
    qMask = -1L;
    qHigh = BYTE_HIGH;
    qFold = FOLD;
    filter = new long[1];
    words = 1;
    sizedFor = 0;
    firstKeys = new int[0];
    secondKeys = new int[0];
    firstFilter = new long[1];
    dir = new int[] {0, 0};
    dirShift = 31;
    meta = new int[0];
    data = new Object[0];
    len = new int[0];
    owner = new int[0];
  }

  /**
   * Builds a matcher.
   *
   * @param n number of patterns
   * @param metaIn each pattern's kind, alignment and flags ({@link FormSet#meta})
   * @param dataIn each pattern's source array (not copied: the engine owns and wipes them)
   * @param owners for each pattern, the id reported with its matches
   */
  static Matcher build(int n, int[] metaIn, Object[] dataIn, int[] owners) {
    return n == 0 ? EMPTY : new Matcher(n, metaIn, dataIn, owners);
  }

  /** Kept (not skipped) characters of a form among its first {@code limit}. */
  private static int keptChars(int m, Object d, int l, int limit) {
    if (!FormSet.mayHoldSkipped(m)) {
      return Math.min(l, limit);
    }
    char[] c = (char[]) d;
    boolean rev = FormSet.kind(m) == FormSet.REVERSED;
    int kept = 0;
    for (int j = 0; j < l && kept < limit; j++) {
      if (!isSkipped(c[rev ? l - 1 - j : j])) {
        kept++;
      }
    }
    return kept;
  }

  /** The most sampling offsets a form allows: each needs a complete q-gram from there on. */
  private static int maxStep(int m, Object d, int l, int q) {
    if (!FormSet.mayHoldSkipped(m)) {
      return l - q + 1;
    }
    char[] c = (char[]) d;
    boolean rev = FormSet.kind(m) == FormSet.REVERSED;
    int kept = 0;
    int j = l - 1;
    for (; j >= 0; j--) {
      if (!isSkipped(c[rev ? l - 1 - j : j]) && ++kept == q) {
        break;
      }
    }
    return j + 1;
  }

  private static boolean startsSkipped(int m, Object d, int l) {
    if (!FormSet.mayHoldSkipped(m)) {
      return false;
    }
    char[] c = (char[]) d;
    return isSkipped(c[FormSet.kind(m) == FormSet.REVERSED ? l - 1 : 0]);
  }

  private static long extent(int m, int l) {
    return (m & FormSet.TOLERANT) != 0 ? l + (long) (l - 1) * MAX_GAP : l;
  }

  private Matcher(int n, int[] metaIn, Object[] dataIn, int[] owners) {
    patternCount = n;
    int[] lens = new int[n];
    int min = Integer.MAX_VALUE;
    int max = 0;
    long extent = 0;
    int minKept = MAX_Q;
    boolean sepStart = false;
    // Lengths, the fewest kept characters (q), and whether a pattern starts with a skipped one.
    // Only text forms can hold skipped characters; encoded forms are their own skeleton.
    for (int i = 0; i < n; i++) {
      int m = metaIn[i];
      int l = FormSet.length(m, dataIn[i]);
      lens[i] = l;
      min = Math.min(min, l);
      max = Math.max(max, l);
      extent = Math.max(extent, extent(m, l));
      minKept = Math.min(minKept, keptChars(m, dataIn[i], l, MAX_Q));
      sepStart |= startsSkipped(m, dataIn[i], l);
    }
    if (minKept == 0) {
      throw new IllegalArgumentException("A redaction pattern consists of separators only");
    }
    minLen = min;
    maxLen = max;
    maxExtent = (int) Math.min(Integer.MAX_VALUE / 2, extent);
    separatorStart = sepStart;
    q = minKept;
    qMask = q == 8 ? -1L : (1L << (8 * q)) - 1;
    qHigh = BYTE_HIGH & qMask;
    qFold = FOLD & qMask;

    // The step: every pattern must have a complete q-gram at each of its first s offsets.
    int s = MAX_STEP;
    for (int i = 0; i < n; i++) {
      s = Math.min(s, maxStep(metaIn[i], dataIn[i], lens[i], q));
    }
    step = Math.max(1, s);

    // The filter holds each pattern's q-grams at its first `step` offsets. Patterns are then stored
    // sorted by the key of their first q-gram.
    sizedFor = n;
    words = filterWords(n, step);
    filter = new long[words];
    long[] order = new long[n];
    int[] second = new int[n];
    window = Math.max(MIN_WINDOW, new Grams(q, step, new FilterWrites(filter, (long) n * step))
        .addAll(n, metaIn, dataIn, lens, order, second));
    Arrays.sort(order);
    firstKeys = new int[n];
    secondKeys = new int[n];
    meta = new int[n];
    data = new Object[n];
    len = new int[n];
    owner = new int[n];
    for (int x = 0; x < n; x++) {
      int i = (int) order[x];
      firstKeys[x] = (int) (order[x] >>> 32) ^ Integer.MIN_VALUE;
      secondKeys[x] = second[i];
      meta[x] = metaIn[i];
      data[x] = dataIn[i];
      len[x] = lens[i];
      owner[x] = owners[i];
    }
    firstFilter = firstFilter(firstKeys, n);
    dirShift = dirShift(n);
    dir = directory(firstKeys, n, dirShift);
  }

  /** All fields given (an incremental build, {@link #plus}). */
  private Matcher(int n, int minLen, int maxLen, int maxExtent, int q, int step, int window,
      boolean separatorStart, long[] filter, int sizedFor, int[] firstKeys, int[] secondKeys,
      int[] meta, Object[] data, int[] len, int[] owner) {
    this.patternCount = n;
    this.minLen = minLen;
    this.maxLen = maxLen;
    this.maxExtent = maxExtent;
    this.q = q;
    this.step = step;
    this.window = window;
    this.separatorStart = separatorStart;
    this.qMask = q == 8 ? -1L : (1L << (8 * q)) - 1;
    this.qHigh = BYTE_HIGH & qMask;
    this.qFold = FOLD & qMask;
    this.filter = filter;
    this.words = filter.length;
    this.sizedFor = sizedFor;
    this.firstKeys = firstKeys;
    this.secondKeys = secondKeys;
    this.meta = meta;
    this.data = data;
    this.len = len;
    this.owner = owner;
    this.firstFilter = firstFilter(firstKeys, n);
    this.dirShift = dirShift(n);
    this.dir = directory(firstKeys, n, dirShift);
  }

  private static int filterWords(int n, int step) {
    long entries = (long) n * step;
    return (int) Math.max(MIN_WORDS,
        Math.min(Integer.MAX_VALUE - 8, (entries * BITS_PER_ENTRY + 63) / 64));
  }

  private static long[] firstFilter(int[] keys, int n) {
    long[] f = new long[Math.max(1, n / 8)];
    for (int x = 0; x < n; x++) {
      f[firstWord(keys[x], f.length)] |= firstBits(keys[x]);
    }
    return f;
  }

  private static int dirShift(int n) {
    return 32 - Math.max(1, Math.min(24, 31 - Integer.numberOfLeadingZeros(Math.max(1, n))));
  }

  private static int[] directory(int[] keys, int n, int shift) {
    int buckets = 1 << (32 - shift);
    int[] d = new int[buckets + 1];
    int x = 0;
    for (int b = 0; b <= buckets; b++) {
      while (x < n && (keys[x] >>> shift) < b) {
        x++;
      }
      d[b] = x;
    }
    return d;
  }

  /**
   * This matcher with {@code k} more patterns (a registration since the last build), sharing
   * nothing mutable with it, or null when they need a full build: a form too short for this
   * matcher's q-gram or step, a duplicate of a pattern with other flags, or a filter that would hold
   * more than an eighth more patterns than it was sized for. Costs a copy of the tables and the new
   * forms' q-grams, not the q-grams of every form.
   *
   * @param mergeOwners the owner of a form two registrations share, from both owners
   */
  @Nullable Matcher plus(int k, int[] metaIn, Object[] dataIn, int[] ownersIn,
      IntBinaryOperator mergeOwners) {
    if (k == 0) {
      return this;
    }
    if (patternCount == 0 || patternCount + k > sizedFor + sizedFor / 8) {
      return null;
    }
    int[] lens = new int[k];
    int min = minLen;
    int max = maxLen;
    long extent = maxExtent;
    boolean sepStart = separatorStart;
    for (int i = 0; i < k; i++) {
      int m = metaIn[i];
      int l = FormSet.length(m, dataIn[i]);
      if (keptChars(m, dataIn[i], l, MAX_Q) < q || maxStep(m, dataIn[i], l, q) < step) {
        return null;
      }
      lens[i] = l;
      min = Math.min(min, l);
      max = Math.max(max, l);
      extent = Math.max(extent, extent(m, l));
      sepStart |= startsSkipped(m, dataIn[i], l);
    }
    long[] f = filter.clone();
    int[] ownersNew = ownersIn.clone();
    int[] ownerOld = owner.clone();
    long[] order = new long[k];
    int[] second = new int[k];
    int win = Math.max(window, new Grams(q, step, new FilterWrites(f, (long) k * step))
        .addAll(k, metaIn, dataIn, lens, order, second));
    Arrays.sort(order);
    // Drop duplicates (of a present pattern, or of an earlier new one), merging their owners.
    int kept = 0;
    for (int x = 0; x < k; x++) {
      int i = (int) order[x];
      int key = (int) (order[x] >>> 32) ^ Integer.MIN_VALUE;
      int dup = -1;
      for (int p = dir[key >>> dirShift], e = dir[(key >>> dirShift) + 1]; p < e && dup < 0; p++) {
        if (firstKeys[p] == key && FormSet.sameChars(meta[p], data[p], metaIn[i], dataIn[i])) {
          dup = p;
        }
      }
      if (dup >= 0) {
        if ((meta[dup] ^ metaIn[i]) != 0) {
          return null;
        }
        ownerOld[dup] = mergeOwners.applyAsInt(ownerOld[dup], ownersNew[i]);
        continue;
      }
      for (int y = kept - 1; y >= 0 && (int) (order[y] >>> 32) == (int) (order[x] >>> 32); y--) {
        int j = (int) order[y];
        if (FormSet.sameChars(metaIn[j], dataIn[j], metaIn[i], dataIn[i])) {
          if ((metaIn[j] ^ metaIn[i]) != 0) {
            return null;
          }
          ownersNew[j] = mergeOwners.applyAsInt(ownersNew[j], ownersNew[i]);
          dup = j;
          break;
        }
      }
      if (dup < 0) {
        order[kept++] = order[x];
      }
    }
    // Merge the new patterns (sorted by key) into the present ones.
    int n = patternCount + kept;
    int[] fk = new int[n];
    int[] sk = new int[n];
    int[] me = new int[n];
    Object[] da = new Object[n];
    int[] le = new int[n];
    int[] ow = new int[n];
    int a = 0;
    int b = 0;
    for (int x = 0; x < n; x++) {
      boolean takeNew = b < kept && (a == patternCount
          || Integer.compareUnsigned((int) (order[b] >>> 32) ^ Integer.MIN_VALUE, firstKeys[a]) < 0);
      if (takeNew) {
        int i = (int) order[b++];
        fk[x] = (int) (order[b - 1] >>> 32) ^ Integer.MIN_VALUE;
        sk[x] = second[i];
        me[x] = metaIn[i];
        da[x] = dataIn[i];
        le[x] = lens[i];
        ow[x] = ownersNew[i];
      } else {
        fk[x] = firstKeys[a];
        sk[x] = secondKeys[a];
        me[x] = meta[a];
        da[x] = data[a];
        le[x] = len[a];
        ow[x] = ownerOld[a];
        a++;
      }
    }
    return new Matcher(n, min, max, (int) Math.min(Integer.MAX_VALUE / 2, extent), q, step, win,
        sepStart, f, sizedFor, fk, sk, me, da, le, ow);
  }

  /**
   * Writes of q-gram hashes into a filter. In a full build of a filter larger than the second-level
   * cache, each write in hash order would miss the caches and the TLB: the writes are instead
   * collected per block of {@code 2^BLOCK_SHIFT} words (32 KiB, which the first-level cache holds)
   * and applied a block at a time, when its buffer fills and at {@link #finish}; the buffers take
   * as much heap as the filter and are wiped. Same words, same bits as direct writes, which a small
   * filter, or a few writes ({@link #plus}), still take.
   */
  static final class FilterWrites {
    /** Filters up to this many words take direct writes (they stay in the caches). */
    static final int DIRECT_WORDS = 1 << 16;

    static final int BLOCK_SHIFT = 12;
    /** Writes buffered per block: about eight per cache line of the block when it is applied. */
    static final int BLOCK_WRITES = 1 << BLOCK_SHIFT;

    private final long[] filter;
    private final int words;
    /** Per block: pending writes, each the word index (high half) and the hash's low 24 bits. */
    private final long @Nullable [][] pending;
    private final int[] count;

    /** Writes into {@code filter}; {@code expected} writes to come (fewer than its words: direct). */
    FilterWrites(long[] filter, long expected) {
      this.filter = filter;
      this.words = filter.length;
      if (words > DIRECT_WORDS && expected >= words) {
        int blocks = ((words - 1) >>> BLOCK_SHIFT) + 1;
        pending = new long[blocks][BLOCK_WRITES];
        count = new int[blocks];
      } else {
        pending = null;
        count = new int[0];
      }
    }

    void add(long h) {
      int w = wordOf(h, words);
      long @Nullable [][] p = pending;
      if (p == null) {
        filter[w] |= bits(h);
        return;
      }
      int b = w >>> BLOCK_SHIFT;
      long[] buf = p[b];
      int c = count[b];
      buf[c++] = ((long) w << 32) | (h & 0xFFFFFF);
      if (c == BLOCK_WRITES) {
        apply(buf, c);
        c = 0;
      }
      count[b] = c;
    }

    void addAll(long[] hs, int n) {
      for (int i = 0; i < n; i++) {
        add(hs[i]);
      }
    }

    private void apply(long[] buf, int c) {
      long[] f = filter;
      for (int i = 0; i < c; i++) {
        long x = buf[i];
        f[(int) (x >>> 32)] |= bits(x);
      }
    }

    /** Applies the pending writes and wipes the buffers (they hold q-gram hash bits). */
    void finish() {
      long @Nullable [][] p = pending;
      if (p == null) {
        return;
      }
      for (int b = 0; b < p.length; b++) {
        apply(p[b], count[b]);
        Arrays.fill(p[b], 0L);
        count[b] = 0;
      }
    }
  }

  /** One form's q-grams at its first {@code step} offsets, added to a filter; scratch reused. */
  private static final class Grams {
    private final int q;
    private final int step;
    private final FilterWrites writes;
    private final char[] scratch;
    /** The hashes of an encoded form's q-grams, written to the filter together. */
    private final long[] hashes = new long[MAX_STEP];
    private long[] kept = new long[MAX_STEP + 2 * MAX_Q];
    private int[] keptAt = new int[MAX_STEP + 2 * MAX_Q];
    /** Results of the last {@link #add}. */
    long firstHash;
    int second;
    int window;

    Grams(int q, int step, FilterWrites writes) {
      this.q = q;
      this.step = step;
      this.writes = writes;
      this.scratch = new char[Math.max(step + q - 1, 2 * q)];
    }

    /**
     * Adds forms {@code [0, n)} to the filter; sets each one's {@code order} entry (first key,
     * unsigned-sortable, and index) and second key; returns the widest window they need. Wipes the
     * scratch (it held the forms' characters) and leaves every write applied.
     */
    int addAll(int n, int[] metaIn, Object[] dataIn, int[] lens, long[] order, int[] second) {
      int win = 0;
      try {
        for (int i = 0; i < n; i++) {
          add(metaIn[i], dataIn[i], lens[i]);
          win = Math.max(win, window);
          order[i] = ((long) ((int) firstHash ^ Integer.MIN_VALUE) << 32) | i;
          second[i] = this.second;
        }
      } finally {
        writes.finish();
        Arrays.fill(scratch, '\0');
        Arrays.fill(kept, 0L);
        Arrays.fill(hashes, 0L);
      }
      return win;
    }

    /**
     * {@link #add} for a form without skipped characters (every encoded form): its q-gram at
     * offset {@code r} is its characters {@code r..r+q-1}, so each offset costs a shift and a hash.
     */
    private void addEncoded(int m, Object d, int l) {
      char[] c = scratch;
      int k = Math.min(l, c.length);
      FormSet.fill(m, d, c, k);
      long g = 0;
      for (int x = 0; x < q; x++) {
        g |= fold(c[x]) << (8 * x);
      }
      long[] hs = hashes;
      hs[0] = mix(g);
      firstHash = hs[0];
      int top = 8 * (q - 1);
      for (int r = 1; r < step; r++) {
        g = (g >>> 8) | (fold(c[r + q - 1]) << top);
        hs[r] = mix(g);
      }
      writes.addAll(hs, step);
      window = (m & FormSet.TOLERANT) != 0 ? q + (q - 1) * MAX_GAP : q;
      second = 0;
      if (k >= 2 * q) {
        long g2 = 0;
        for (int x = 0; x < q; x++) {
          g2 |= fold(c[q + x]) << (8 * x);
        }
        second = secondKeyOf(g2);
      }
    }

    void add(int m, Object d, int l) {
      if (!FormSet.mayHoldSkipped(m)) {
        addEncoded(m, d, l);
        return;
      }
      int k = 0;
      char[] c = (char[]) d;
      boolean rev = FormSet.kind(m) == FormSet.REVERSED;
      int keptFromLast = 0;
      for (int j = 0; j < l; j++) {
        char ch = c[rev ? l - 1 - j : j];
        if (isSkipped(ch)) {
          continue;
        }
        if (k == kept.length) {
          long[] grown = Arrays.copyOf(kept, k * 2);
          Arrays.fill(kept, 0L); // held the form's characters
          kept = grown;
          keptAt = Arrays.copyOf(keptAt, k * 2);
        }
        kept[k] = fold(ch);
        keptAt[k] = j;
        k++;
        if (j >= step - 1) {
          keptFromLast++;
        }
        if (keptFromLast >= q && k >= 2 * q) {
          break; // the q-grams at the first `step` offsets and the second q-gram are complete
        }
      }
      boolean tolerant = (m & FormSet.TOLERANT) != 0;
      int first = 0;
      int gFirst = -1;
      long g = 0;
      int win = 0;
      for (int r = 0; r < step; r++) {
        while (keptAt[first] < r) {
          first++;
        }
        if (first != gFirst) {
          if (gFirst >= 0 && first == gFirst + 1) {
            g = (g >>> 8) | (kept[first + q - 1] << (8 * (q - 1)));
          } else {
            g = 0;
            for (int x = 0; x < q; x++) {
              g |= kept[first + x] << (8 * x);
            }
          }
          gFirst = first;
          long h = mix(g);
          if (r == 0) {
            firstHash = h;
          }
          writes.add(h);
        }
        int span = keptAt[first + q - 1] + 1 - r;
        win = Math.max(win, tolerant ? span + (span - 1) * MAX_GAP : span);
      }
      window = win;
      second = 0;
      if (k >= 2 * q) {
        long g2 = 0;
        for (int x = 0; x < q; x++) {
          g2 |= kept[q + x] << (8 * x);
        }
        second = secondKeyOf(g2);
      }
    }
  }

  private static int firstWord(int key, int length) {
    return (int) (((key & 0xFFFFFFFFL) * length) >>> 32);
  }

  /** Whether some pattern may have first-q-gram key {@code key} (the small filter; no misses). */
  private boolean mayBeFirstKey(int key) {
    long fb = firstBits(key);
    return (firstFilter[firstWord(key, firstFilter.length)] & fb) == fb;
  }

  private static long firstBits(int key) {
    int k = key * 0x9E3779B9;
    return (1L << k) | (1L << (k >>> 6)) | (1L << (k >>> 12));
  }

  private static char at(int m, Object d, int j) {
    return FormSet.kind(m) == FormSet.TEXT ? ((char[]) d)[j] : FormSet.charAt(m, d, j);
  }

  /** Whether the q-gram skips {@code c}: its low byte is at most a space, or a colon. */
  static boolean isSkipped(char c) {
    int b = c & 0xFF;
    return b <= 0x20 || b == 0x3A;
  }

  /** The low byte of {@code c}, ASCII letters in lower case (other bytes may fold too: harmless). */
  private static long fold(char c) {
    return (c & 0xFF) | 0x20;
  }

  /** One bit (the high bit of its byte) per skipped byte of {@code x}. */
  private static long skippedBytes(long x) {
    long below = ~(((x & LOW7) + BELOW_0X21) | x) & BYTE_HIGH;
    long y = x ^ COLONS;
    long colon = ~(((y & LOW7) + LOW7) | y) & BYTE_HIGH;
    return below | colon;
  }

  static int wordOf(long h, int words) {
    return (int) (((h >>> 32) * words) >>> 32);
  }

  /** The {@link #K} bits of {@code h} in its filter word. */
  static long bits(long h) {
    return (1L << h) | (1L << (h >>> 6)) | (1L << (h >>> 12)) | (1L << (h >>> 18));
  }

  private static long mix(long g) {
    long h = g * M1;
    h ^= h >>> 32;
    return h * M2;
  }

  /**
   * Adds every occurrence of every pattern lying within {@code text[from, to)} to {@code out}.
   * Allocates nothing unless something matches.
   *
   * @param out where to add matches, or null to allocate one on the first match
   * @param firstOnly stop at the first match (pass a null {@code out})
   * @return {@code out}, or the list allocated for the first match, or null when nothing matched
   */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): low bytes on purpose
  @Nullable MatchList scan(String text, int from, int to, @Nullable MatchList out, boolean firstOnly) {
    if (patternCount == 0 || to - from < q) {
      return out;
    }
    Scratch scratch = SCRATCH.get();
    byte[] buf = scratch.buf;
    if (buf.length < CHUNK + window + MAX_STEP + 8) {
      buf = new byte[CHUNK + window + MAX_STEP + 8];
      scratch.buf = buf;
    }
    final long[] sampleBits = scratch.bits;
    final int[] sampleWord = scratch.word;
    final int s = step;
    final long[] f = filter;
    final long nw = words;
    final long mask = qMask;
    final long high = qHigh;
    final long fold = qFold;
    final int last = to - q;
    int used = 0;
    int hashed = 0;
    try {
      int t = from;
      while (t <= last) {
        // The buffer holds text[bufBase, copyEnd): the chunk's samples, the window after the last
        // one, and the s - 1 characters before the first (the starts a sample is responsible for).
        int bufBase = Math.max(from, t - (s - 1));
        int chunkEnd = Math.min(last + 1, t + CHUNK);
        int copyEnd = Math.min(to, chunkEnd + window);
        text.getBytes(bufBase, copyEnd, buf, 0);
        used = Math.max(used, copyEnd - bufBase);
        // Two passes: hash every sample of the chunk, then probe the filter for all of them. The
        // probes are independent loads from a table that may be larger than the caches, so the
        // processor overlaps their misses instead of waiting for each in turn.
        int samples = 0;
        for (int off = t - bufBase, end = chunkEnd - bufBase, lim = copyEnd - bufBase; off < end;
            off += s) {
          long x = (long) LONG_LE.get(buf, off);
          long g;
          if ((skippedBytes(x) & high) == 0) {
            g = (x | fold) & mask;
          } else {
            g = skeletonGram(buf, off, Math.min(lim, off + window));
          }
          long h = mix(g);
          sampleWord[samples] = g == 0 ? 0 : (int) (((h >>> 32) * nw) >>> 32);
          sampleBits[samples++] = g == 0 ? -1L : bits(h);
        }
        hashed = Math.max(hashed, samples);
        // The probe loop is a few instructions per sample, so many of its loads are in flight.
        for (int i = 0; i < samples; i++) {
          long bits = sampleBits[i];
          if ((f[sampleWord[i]] & bits) == bits) {
            out = candidates(text, buf, bufBase, copyEnd, from, to, t + i * s, out);
            if (firstOnly && out != null) {
              return out;
            }
          }
        }
        t += samples * s;
      }
      return out;
    } finally {
      // The buffers outlive the call (one per thread): leave no copy of the scanned text in them
      // (a sample's word and bits are derived from its q-gram).
      Arrays.fill(buf, 0, used, (byte) 0);
      Arrays.fill(sampleBits, 0, hashed, 0L);
      Arrays.fill(sampleWord, 0, hashed, 0);
    }
  }

  /**
   * The first {@code q} kept bytes of {@code buf[off, end)}, folded, or 0 when there are fewer
   * (a complete q-gram is never 0: every folded byte has bit 5 set). The first 16 bytes are
   * compacted without branches; longer runs of separators take a loop.
   */
  private long skeletonGram(byte[] buf, int off, int end) {
    long x0 = (long) LONG_LE.get(buf, off);
    long x1 = (long) LONG_LE.get(buf, off + 8);
    long keep0 = ~skippedBytes(x0) & BYTE_HIGH;
    long keep1 = ~skippedBytes(x1) & BYTE_HIGH;
    int avail = end - off;
    if (avail < 16) {
      keep1 = avail <= 8 ? 0 : keep1 & ((1L << (8 * (avail - 8))) - 1);
      keep0 = avail >= 8 ? keep0 : keep0 & ((1L << (8 * avail)) - 1);
    }
    int n0 = Long.bitCount(keep0);
    long g = compress(x0, keep0);
    if (n0 < 8) {
      g |= compress(x1, keep1) << (8 * n0);
    }
    int n = n0 + Long.bitCount(keep1);
    if (n >= q) {
      return (g & qMask) | qFold;
    }
    for (int p = off + 16; p < end; p += 8) {
      long x = (long) LONG_LE.get(buf, p);
      long keep = ~skippedBytes(x) & BYTE_HIGH;
      if (end - p < 8) {
        keep &= (1L << (8 * (end - p))) - 1;
      }
      g |= compress(x, keep) << (8 * n); // n < q <= 8 here
      n += Long.bitCount(keep);
      if (n >= q) {
        return (g & qMask) | qFold;
      }
    }
    return 0;
  }

  /** The bytes of {@code x} whose high bit is set in {@code keep}, moved to the low end. */
  private static long compress(long x, long keep) {
    int m = (int) (((keep >>> 7) * 0x0102040810204080L) >>> 56);
    long v = x & ((keep >>> 7) * 0xFF);
    long mv = COMPRESS[3 * m];
    v = (v & ~mv) | ((v & mv) >>> 8);
    mv = COMPRESS[3 * m + 1];
    v = (v & ~mv) | ((v & mv) >>> 16);
    mv = COMPRESS[3 * m + 2];
    return (v & ~mv) | ((v & mv) >>> 32);
  }

  /** The same q-gram read from the characters of {@code text[at, end)}, or 0. */
  private long skeletonGram(String text, int at, int end) {
    long g = 0;
    int n = 0;
    for (int p = at; p < end; p++) {
      char c = text.charAt(p);
      if (!isSkipped(c)) {
        g |= fold(c) << (8 * n);
        if (++n == q) {
          return g;
        }
      }
    }
    return 0;
  }

  /**
   * The key of the kept characters {@code q..2q-1} from {@code start} (as {@link #secondKeys}
   * holds them), or 0 when they do not lie within reach (then no pattern is ruled out).
   */
  private int secondKey(String text, int start, int to) {
    int end = Math.min(to, start + 2 * window + MAX_GAP);
    long g = 0;
    int n = 0;
    for (int p = start; p < end; p++) {
      char c = text.charAt(p);
      if (!isSkipped(c)) {
        if (n >= q) {
          g |= fold(c) << (8 * (n - q));
        }
        if (++n == 2 * q) {
          return secondKeyOf(g);
        }
      }
    }
    return 0;
  }

  /** A second-q-gram key: never 0 (no second q-gram) nor -1 (not computed yet). */
  private static int secondKeyOf(long g) {
    int key = (int) mix(g);
    return key == 0 || key == -1 ? 1 : key;
  }

  /**
   * Checks every pattern start that the sample at {@code t} is responsible for ({@code t - s < p
   * <= t}), reading skeleton q-grams from {@code buf}, which holds {@code text[bufBase, bufEnd)} as
   * bytes. Walking left from {@code t}, each kept character shifts into the q-gram of the start
   * after it, so the {@code s} starts cost a shift, a hash and a small filter probe each.
   */
  private @Nullable MatchList candidates(String text, byte[] buf, int bufBase, int bufEnd,
      int from, int to, int t, @Nullable MatchList out) {
    int offT = t - bufBase;
    long g = skeletonGram(buf, offT, Math.min(bufEnd - bufBase, offT + window));
    if (g == 0) {
      return out; // a saturated filter word, not a sample
    }
    for (int k = 0; k < step; k++) {
      int start = t - k;
      if (start < from) {
        break;
      }
      byte b = buf[start - bufBase];
      if (isSkipped((char) (b & 0xFF))) {
        if (!separatorStart) {
          continue;
        }
      } else if (k > 0) {
        g = ((g << 8) | fold((char) (b & 0xFF))) & qMask;
      }
      out = startsAt(text, start, to, g, out);
    }
    return out;
  }

  /** Verifies the patterns whose first skeleton q-gram is {@code g} at {@code text[start...]}. */
  private @Nullable MatchList startsAt(
      String text, int start, int to, long g, @Nullable MatchList out) {
    int key = (int) mix(g);
    if (!mayBeFirstKey(key)) {
      return out;
    }
    int second = -1; // not computed yet; 0: the text has no complete second q-gram in reach
    for (int i = dir[key >>> dirShift], end = dir[(key >>> dirShift) + 1]; i < end; i++) {
      if (firstKeys[i] == key) {
        if (secondKeys[i] != 0) {
          if (second == -1) {
            second = secondKey(text, start, to);
          }
          if (second != 0 && second != secondKeys[i]) {
            continue;
          }
        }
        int e = verify(i, text, start, to);
        if (e >= 0) {
          if (out == null) {
            out = new MatchList();
          }
          out.add(start, e, owner[i]);
        }
      }
    }
    return out;
  }

  /** The end of pattern {@code i}'s occurrence at {@code text[at...]} within {@code to}, or -1. */
  private int verify(int i, String text, int at, int to) {
    int m = meta[i];
    Object d = data[i];
    int n = len[i];
    boolean ci = (m & FormSet.IGNORE_CASE) != 0;
    if ((m & FormSet.TOLERANT) == 0) {
      if (at + n > to) {
        return -1;
      }
      for (int j = 0; j < n; j++) {
        if (!same(text.charAt(at + j), at(m, d, j), ci)) {
          return -1;
        }
      }
      return at + n;
    }
    int pos = at;
    for (int j = 0; j < n; j++) {
      if (j > 0) {
        for (int gap = 0; pos < to && Forms.isSeparator(text.charAt(pos)); gap++) {
          if (gap == MAX_GAP) {
            return -1;
          }
          pos++;
        }
      }
      if (pos >= to || !same(text.charAt(pos), at(m, d, j), ci)) {
        return -1;
      }
      pos++;
    }
    return pos;
  }

  /**
   * Whether {@code text[at, text.length())} is a proper prefix of an occurrence of pattern {@code
   * i}: every character consumed, the pattern not yet complete.
   */
  private boolean isPrefix(int i, String text, int at) {
    int end = text.length();
    int m = meta[i];
    Object d = data[i];
    int n = len[i];
    boolean ci = (m & FormSet.IGNORE_CASE) != 0;
    boolean tolerant = (m & FormSet.TOLERANT) != 0;
    int pos = at;
    for (int j = 0; j < n; j++) {
      if (j > 0 && tolerant) {
        for (int gap = 0; pos < end && Forms.isSeparator(text.charAt(pos)); gap++) {
          if (gap == MAX_GAP) {
            return false;
          }
          pos++;
        }
      }
      if (pos == end) {
        return true;
      }
      if (!same(text.charAt(pos), at(m, d, j), ci)) {
        return false;
      }
      pos++;
    }
    return false;
  }

  private static boolean same(char t, char p, boolean ignoreCase) {
    if (t == p) {
      return true;
    }
    int lower = p | 0x20;
    return ignoreCase && lower >= 'a' && lower <= 'z' && (t | 0x20) == lower;
  }

  /**
   * Whether {@code text[at, text.length())} could still grow into a match (a proper prefix of some
   * pattern, separators included). A tail too short to hold a q-gram counts when it could start
   * one.
   */
  boolean couldStartPattern(String text, int at) {
    if (patternCount == 0) {
      return false;
    }
    if (!separatorStart && isSkipped(text.charAt(at))) {
      return false;
    }
    int end = text.length();
    long g = skeletonGram(text, at, Math.min(end, at + window));
    if (g == 0) {
      return at + window > end; // the text ended before the window: more may come
    }
    int key = (int) mix(g);
    if (!mayBeFirstKey(key)) {
      return false;
    }
    for (int i = dir[key >>> dirShift], e = dir[(key >>> dirShift) + 1]; i < e; i++) {
      if (firstKeys[i] == key && isPrefix(i, text, at)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The leftmost position a match ending at or after {@code at} could start at: {@link #maxLen}
   * characters back, and further only over text a tolerant form could span (at most {@link
   * #maxLen} non-separators, separator runs of at most {@link #MAX_GAP}).
   */
  int reachBefore(String text, int at) {
    int p = at;
    int kept = 0;
    int run = 0;
    while (p > 0 && kept < maxLen) {
      char c = text.charAt(p - 1);
      if (Forms.isSeparator(c)) {
        if (++run > MAX_GAP && at - p >= maxLen) {
          break;
        }
      } else {
        run = 0;
        kept++;
      }
      p--;
    }
    return p;
  }

  /** The rightmost end of a match starting at or before {@code at} (see {@link #reachBefore}). */
  int reachAfter(String text, int at) {
    int p = at;
    int kept = 0;
    int run = 0;
    int end = text.length();
    while (p < end && kept < maxLen) {
      char c = text.charAt(p);
      if (Forms.isSeparator(c)) {
        if (++run > MAX_GAP && p - at >= maxLen) {
          break;
        }
      } else {
        run = 0;
        kept++;
      }
      p++;
    }
    return p;
  }

  /** Approximate retained heap of this matcher, in bytes, including the source arrays it reads. */
  long footprintBytes() {
    long bytes = 16L * 10 + 96;
    bytes += 8L * filter.length + 4L * firstKeys.length + 4L * dir.length
        + 4L * secondKeys.length + 8L * firstFilter.length;
    bytes += 4L * (meta.length + data.length + len.length + owner.length);
    return bytes + FormSet.sourceBytes(data, patternCount);
  }

  @Override
  public String toString() {
    return "Matcher[" + patternCount + " patterns, step " + step + ", window " + window + "]";
  }
}
