package dev.keyhole.redact;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.CRC32;

/** The judgement calls shared by the detectors: randomness, placeholders, checksums, decoding. */
final class Tokens {
  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final String BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  private static final String[] PLACEHOLDER_WORDS = {"xxxx", "example", "your", "redacted",
      "placeholder", "changeme", "insert", "replace", "dummy", "sample", "****", "....", "<", ">",
      "${", "{{", "abcde", "12345", "qwerty", "here"};

  private Tokens() {}

  /** Shannon entropy of {@code s[from, to)} in bits per character (ASCII fast path). */
  static double bitsPerChar(CharSequence s, int from, int to) {
    int n = to - from;
    if (n <= 0) {
      return 0;
    }
    int[] counts = new int[128];
    int other = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        other++;
      }
    }
    double h = 0;
    for (int c : counts) {
      if (c > 0) {
        double p = (double) c / n;
        h -= p * Math.log(p);
      }
    }
    if (other > 0) {
      double p = (double) other / n;
      h -= p * Math.log(p);
    }
    return h / Math.log(2);
  }

  /** How many of lower case, upper case, digits and other characters occur. */
  static int classes(CharSequence s, int from, int to) {
    int mask = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      mask |= c >= 'a' && c <= 'z' ? 1 : c >= 'A' && c <= 'Z' ? 2 : c >= '0' && c <= '9' ? 4 : 8;
    }
    return Integer.bitCount(mask);
  }

  static boolean hasDigit(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code s[from, to)} is a placeholder rather than a generated value: a known filler
   * word in lower, upper or capitalized case ({@code xxxx}, {@code example}, {@code your...},
   * {@code ****}, a template), a run of six identical characters, or an alphabet/number sequence.
   */
  static boolean isPlaceholder(CharSequence s, int from, int to) {
    String v = s.subSequence(from, to).toString();
    for (String w : PLACEHOLDER_WORDS) {
      // lower, UPPER or Capitalized: how people write fillers; random tokens rarely spell them so
      if (v.contains(w) || v.contains(w.toUpperCase(Locale.ROOT))
          || v.contains(Character.toUpperCase(w.charAt(0)) + w.substring(1))) {
        return true;
      }
    }
    int run = 1;
    for (int i = 1; i < v.length(); i++) {
      run = v.charAt(i) == v.charAt(i - 1) ? run + 1 : 1;
      if (run >= 6) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether some four-character chunk occurs three times or more in a value of up to 64
   * characters ({@code 1234-1234-1234}).
   */
  static boolean repetitive(CharSequence s) {
    String v = s.toString();
    if (v.length() > 64) {
      return false; // long encodings (base64 of JSON) repeat chunks naturally
    }
    for (int i = 0; i + 4 <= v.length(); i++) {
      String chunk = v.substring(i, i + 4);
      int second = v.indexOf(chunk, i + 4);
      if (second >= 0 && v.indexOf(chunk, second + 4) >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the generated part {@code s[from, to)} of a token looks random: not a placeholder and
   * with at least {@code minBits} bits of entropy per character (lowered for short parts, whose
   * entropy cannot reach it).
   */
  static boolean looksRandom(CharSequence s, int from, int to, double minBits) {
    int n = to - from;
    if (n <= 0 || isPlaceholder(s, from, to) || repetitive(s.subSequence(from, to))) {
      return false;
    }
    double cap = Math.log(n) / Math.log(2) - 0.9;
    return bitsPerChar(s, from, to) >= Math.min(minBits, cap);
  }

  /**
   * GitHub's and npm's checksum: the last six characters are the base-62 CRC-32 of the thirty
   * characters before them (the part after the prefix).
   */
  static boolean base62Crc32(CharSequence token, int randomStart) {
    int end = token.length();
    if (end - randomStart != 36) {
      return false;
    }
    CRC32 crc = new CRC32();
    crc.update(token.subSequence(randomStart, end - 6).toString().getBytes(StandardCharsets.US_ASCII));
    long value = 0;
    for (int i = end - 6; i < end; i++) {
      int d = BASE62.indexOf(token.charAt(i));
      if (d < 0) {
        return false;
      }
      value = value * 62 + d;
    }
    return value == crc.getValue();
  }

  /** The base-62 CRC-32 suffix GitHub and npm tokens end with (for generating test tokens). */
  static String base62Crc32Of(String random30) {
    CRC32 crc = new CRC32();
    crc.update(random30.getBytes(StandardCharsets.US_ASCII));
    long v = crc.getValue();
    char[] out = new char[6];
    for (int i = 5; i >= 0; i--) {
      out[i] = BASE62.charAt((int) (v % 62));
      v /= 62;
    }
    return new String(out);
  }

  /** Whether {@code s} (human-readable part, '1', data and checksum) is valid Bech32. */
  static boolean bech32(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    int sep = lower.lastIndexOf('1');
    if (sep < 1 || lower.length() - sep < 7) {
      return false;
    }
    int chk = 1;
    String hrp = lower.substring(0, sep);
    for (int i = 0; i < hrp.length(); i++) {
      chk = polymod(chk) ^ (hrp.charAt(i) >> 5);
    }
    chk = polymod(chk);
    for (int i = 0; i < hrp.length(); i++) {
      chk = polymod(chk) ^ (hrp.charAt(i) & 31);
    }
    for (int i = sep + 1; i < lower.length(); i++) {
      int d = BECH32.indexOf(lower.charAt(i));
      if (d < 0) {
        return false;
      }
      chk = polymod(chk) ^ d;
    }
    return chk == 1;
  }

  private static int polymod(int pre) {
    int b = pre >> 25;
    int chk = (pre & 0x1ffffff) << 5;
    int[] gen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    for (int i = 0; i < 5; i++) {
      if (((b >> i) & 1) != 0) {
        chk ^= gen[i];
      }
    }
    return chk;
  }

  /** Decodes standard or URL-safe base64, padded or not; null if it is not base64. */
  static byte[] decodeBase64(CharSequence s) {
    String v = s.toString().replace('-', '+').replace('_', '/');
    int pad = v.indexOf('=');
    if (pad >= 0) {
      v = v.substring(0, pad);
    }
    if (v.length() % 4 == 1) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(v + "==".substring(0, (4 - v.length() % 4) % 4));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether base64url {@code s} decodes to a JSON object (a JWT header or payload). */
  static boolean isBase64Json(CharSequence s) {
    byte[] b = decodeBase64(s);
    if (b == null || b.length < 2) {
      return false;
    }
    String json = new String(b, StandardCharsets.UTF_8).strip();
    return json.startsWith("{") && json.indexOf('"') > 0;
  }
}
