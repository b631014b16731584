package dev.keyhole.internal.redact;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.function.IntPredicate;

/**
 * The forms of one registered value, each described by a kind and the array it is computed from
 * rather than stored as text: {@code hex}, {@code \x..}, {@code 0x..}, base64, base64url, base32 and
 * base64-of-base64 forms all read the value's UTF-8 bytes (or a base64 core of them), the reversed
 * form reads the raw characters backwards. The matcher asks for characters only to verify a
 * candidate, so the heap holds each source array once instead of two dozen encoded copies.
 *
 * <p>Each form carries flags: {@link #TOLERANT} (line breaks, spaces, tabs and colons may sit
 * between any two of its characters) and {@link #IGNORE_CASE} (ASCII letters match in either
 * case; hex and base32 are printed in both).
 *
 * <p>Security: holds secret material in the source arrays; {@link #wipe()} overwrites every one of
 * them. Never materializes a form as a {@code String}.
 */
final class FormSet {
  // ---- kinds (low 4 bits of a form's meta) ----
  /** The characters of a {@code char[]}: raw, JSON-escaped, percent-encoded, shell-quoted. */
  static final int TEXT = 0;
  /** A {@code char[]} read backwards. */
  static final int REVERSED = 1;
  /** Lower-case hex of a {@code byte[]}. */
  static final int HEX = 2;
  /** {@code \x6b\x74...}. */
  static final int HEX_BACKSLASH_X = 3;
  /** {@code 0x6b0x74...} (with separators: {@code 0x6b 0x74}). */
  static final int HEX_0X = 4;
  /** {@code 0x6b,0x74,...}: a C array ({@code xxd -i}), spaces being separators. */
  static final int HEX_0X_COMMA = 5;
  /** The base64 core of a {@code byte[]} at an alignment (bits 4-7 of meta). */
  static final int BASE64 = 6;
  /** Same in the URL-safe alphabet. */
  static final int BASE64_URL = 7;
  /** The base32 (RFC 4648) core of a {@code byte[]} at an alignment 0-4. */
  static final int BASE32 = 8;

  // ---- flags ----
  static final int TOLERANT = 1 << 8;
  static final int IGNORE_CASE = 1 << 9;

  private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();
  private static final char[] B64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
  private static final char[] B64_URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
  private static final char[] B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private final int minLength;
  private int[] meta = new int[16];
  private Object[] data = new Object[16];
  private long[] hash = new long[16];
  private int size;

  FormSet(int minLength) {
    this.minLength = minLength;
  }

  static int meta(int kind, int align, int flags) {
    return kind | (align << 4) | flags;
  }

  static int kind(int meta) {
    return meta & 0xF;
  }

  static int align(int meta) {
    return (meta >>> 4) & 0xF;
  }

  int size() {
    return size;
  }

  int meta(int i) {
    return meta[i];
  }

  Object data(int i) {
    return data[i];
  }

  long hash(int i) {
    return hash[i];
  }

  int length(int i) {
    return length(meta[i], data[i]);
  }

  /**
   * Adds a form unless it is shorter than the minimum length or already present (then its flags
   * are merged into the present one: the union matches at least as much).
   */
  void add(int m, Object d) {
    int len = length(m, d);
    if (len < minLength || len == 0 || !hasKeptChar(m, d, len)) {
      return;
    }
    long h = hash(m, d, len);
    for (int i = 0; i < size; i++) {
      if (hash[i] == h && sameChars(meta[i], data[i], m, d)) {
        meta[i] |= m & (TOLERANT | IGNORE_CASE);
        return;
      }
    }
    if (size == meta.length) {
      meta = Arrays.copyOf(meta, size * 2);
      data = Arrays.copyOf(data, size * 2);
      hash = Arrays.copyOf(hash, size * 2);
    }
    meta[size] = m;
    data[size] = d;
    hash[size] = h;
    size++;
  }

  /** Whether the form has a character the matcher's q-grams do not skip (all but blank forms). */
  private static boolean hasKeptChar(int m, Object d, int len) {
    for (int j = 0; j < len; j++) {
      if (!Matcher.isSkipped(charAt(m, d, j))) {
        return true;
      }
    }
    return false;
  }

  /** Keeps only the forms {@code keep} accepts; sources no form uses any more are wiped. */
  void retain(IntPredicate keep) {
    java.util.List<Object> before = new java.util.ArrayList<>(Arrays.asList(data).subList(0, size));
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (keep.test(i)) {
        meta[n] = meta[i];
        data[n] = data[i];
        hash[n] = hash[i];
        n++;
      }
    }
    for (int i = n; i < size; i++) {
      data[i] = null;
    }
    size = n;
    wipeUnreferenced(before);
  }

  /** Wipes each of {@code arrays} that no form of this set reads. */
  void wipeUnreferenced(java.util.Collection<Object> arrays) {
    IdentityHashMap<Object, Boolean> used = new IdentityHashMap<>();
    for (int i = 0; i < size; i++) {
      used.put(data[i], Boolean.TRUE);
    }
    for (Object d : arrays) {
      if (d != null && !used.containsKey(d)) {
        wipeArray(d);
      }
    }
  }

  private static void wipeArray(Object d) {
    if (d instanceof char[] c) {
      Arrays.fill(c, '\0');
    } else if (d instanceof byte[] b) {
      Arrays.fill(b, (byte) 0);
    }
  }

  /** Overwrites every source array (several forms share one; each is wiped once). */
  void wipe() {
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    for (int i = 0; i < data.length; i++) {
      Object d = data[i];
      if (d != null && seen.put(d, Boolean.TRUE) == null) {
        wipeArray(d);
      }
    }
  }

  /** Approximate heap of the source arrays, each counted once (headers included). */
  static long sourceBytes(Object[] sources, int n) {
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      Object d = sources[i];
      if (seen.put(d, Boolean.TRUE) == null) {
        bytes += 16 + (d instanceof char[] c ? 2L * c.length : ((byte[]) d).length);
      }
    }
    return bytes;
  }

  // ---------------------------------------------------------------- reading forms

  /** The length in characters of the form described by {@code m} over {@code d}. */
  static int length(int m, Object d) {
    switch (kind(m)) {
      case TEXT, REVERSED -> {
        return ((char[]) d).length;
      }
      default -> {
        int n = ((byte[]) d).length;
        int a = align(m);
        return switch (kind(m)) {
          case HEX -> 2 * n;
          case HEX_BACKSLASH_X, HEX_0X -> 4 * n;
          case HEX_0X_COMMA -> n == 0 ? 0 : 5 * n - 1;
          case BASE64, BASE64_URL -> Math.max(0, (8 * a + 8 * n) / 6 - (8 * a + 5) / 6);
          case BASE32 -> Math.max(0, (8 * a + 8 * n) / 5 - (8 * a + 4) / 5);
          default -> throw new IllegalStateException("unknown form kind " + kind(m));
        };
      }
    }
  }

  /** Character {@code j} of the form described by {@code m} over {@code d}. */
  static char charAt(int m, Object d, int j) {
    switch (kind(m)) {
      case TEXT -> {
        return ((char[]) d)[j];
      }
      case REVERSED -> {
        char[] c = (char[]) d;
        return c[c.length - 1 - j];
      }
      case HEX -> {
        int b = ((byte[]) d)[j >> 1];
        return HEX_DIGITS[(j & 1) == 0 ? (b >> 4) & 0xF : b & 0xF];
      }
      case HEX_BACKSLASH_X, HEX_0X -> {
        int r = j & 3;
        if (r < 2) {
          return kind(m) == HEX_0X ? (r == 0 ? '0' : 'x') : (r == 0 ? '\\' : 'x');
        }
        int b = ((byte[]) d)[j >> 2];
        return HEX_DIGITS[r == 2 ? (b >> 4) & 0xF : b & 0xF];
      }
      case HEX_0X_COMMA -> {
        int r = j % 5;
        if (r == 0) {
          return '0';
        } else if (r == 1) {
          return 'x';
        } else if (r == 4) {
          return ',';
        }
        int b = ((byte[]) d)[j / 5];
        return HEX_DIGITS[r == 2 ? (b >> 4) & 0xF : b & 0xF];
      }
      case BASE64, BASE64_URL -> {
        int a = align(m);
        int bit = ((8 * a + 5) / 6 + j) * 6 - 8 * a;
        return (kind(m) == BASE64 ? B64 : B64_URL)[bits((byte[]) d, bit, 6)];
      }
      case BASE32 -> {
        int a = align(m);
        int bit = ((8 * a + 4) / 5 + j) * 5 - 8 * a;
        return B32[bits((byte[]) d, bit, 5)];
      }
      default -> throw new IllegalStateException("unknown form kind " + kind(m));
    }
  }

  /**
   * Characters {@code [0, count)} of the form into {@code out}: {@link #charAt} for every index,
   * but sequential (the matcher's build reads the first characters of every form).
   */
  static void fill(int m, Object d, char[] out, int count) {
    switch (kind(m)) {
      case TEXT -> System.arraycopy((char[]) d, 0, out, 0, count);
      case HEX -> {
        byte[] b = (byte[]) d;
        for (int j = 0; j < count; j++) {
          int v = b[j >> 1];
          out[j] = HEX_DIGITS[(j & 1) == 0 ? (v >> 4) & 0xF : v & 0xF];
        }
      }
      case BASE64, BASE64_URL, BASE32 -> {
        boolean b32 = kind(m) == BASE32;
        int width = b32 ? 5 : 6;
        char[] alphabet = b32 ? B32 : kind(m) == BASE64 ? B64 : B64_URL;
        int a = align(m);
        int bit = (b32 ? (8 * a + 4) / 5 * 5 : (8 * a + 5) / 6 * 6) - 8 * a;
        byte[] b = (byte[]) d;
        for (int j = 0; j < count; j++, bit += width) {
          out[j] = alphabet[bits(b, bit, width)];
        }
      }
      case HEX_BACKSLASH_X, HEX_0X -> {
        byte[] b = (byte[]) d;
        char lead = kind(m) == HEX_0X ? '0' : '\\';
        for (int j = 0; j < count; j++) {
          int v = b[j >> 2];
          int r = j & 3;
          out[j] = r == 0 ? lead : r == 1 ? 'x' : HEX_DIGITS[r == 2 ? (v >> 4) & 0xF : v & 0xF];
        }
      }
      case HEX_0X_COMMA -> {
        byte[] b = (byte[]) d;
        for (int j = 0, r = 0, x = 0; j < count; j++) {
          int v = b[x];
          out[j] = r == 0 ? '0' : r == 1 ? 'x' : r == 4 ? ','
              : HEX_DIGITS[r == 2 ? (v >> 4) & 0xF : v & 0xF];
          if (++r == 5) {
            r = 0;
            x++;
          }
        }
      }
      default -> {
        for (int j = 0; j < count; j++) {
          out[j] = charAt(m, d, j);
        }
      }
    }
  }

  /** Whether the form may contain characters the matcher's q-grams skip (only text forms do). */
  static boolean mayHoldSkipped(int m) {
    return kind(m) == TEXT || kind(m) == REVERSED;
  }

  /** {@code width} (at most 8) bits of {@code b} starting at bit {@code bit}, big-endian. */
  private static int bits(byte[] b, int bit, int width) {
    int idx = bit >> 3;
    int v = (b[idx] & 0xFF) << 8;
    if (idx + 1 < b.length) {
      v |= b[idx + 1] & 0xFF;
    }
    return (v >>> (16 - (bit & 7) - width)) & ((1 << width) - 1);
  }

  /** The form's characters, for tests, benchmark baselines and diagnostics (never log them). */
  static char[] materialize(int m, Object d) {
    char[] out = new char[length(m, d)];
    if (kind(m) == TEXT) {
      System.arraycopy((char[]) d, 0, out, 0, out.length);
      return out;
    }
    for (int j = 0; j < out.length; j++) {
      out[j] = charAt(m, d, j);
    }
    return out;
  }

  static long hash(int m, Object d, int len) {
    long h = 0x2545F4914F6CDD1DL ^ len;
    for (int j = 0; j < len; j++) {
      h = (h ^ charAt(m, d, j)) * 0x9E3779B97F4A7C15L;
      h ^= h >>> 29;
    }
    return h;
  }

  static boolean sameChars(int m1, Object d1, int m2, Object d2) {
    int len = length(m1, d1);
    if (len != length(m2, d2)) {
      return false;
    }
    for (int j = 0; j < len; j++) {
      if (charAt(m1, d1, j) != charAt(m2, d2, j)) {
        return false;
      }
    }
    return true;
  }

  /** The base64 core (standard alphabet) of {@code b} at {@code align}, as ASCII bytes. */
  static byte[] base64CoreBytes(byte[] b, int align) {
    int m = meta(BASE64, align, 0);
    byte[] out = new byte[length(m, b)];
    for (int j = 0; j < out.length; j++) {
      out[j] = (byte) charAt(m, b, j);
    }
    return out;
  }

  @Override
  public String toString() {
    return "FormSet[" + size + " forms]";
  }
}
