package dev.keyhole.onepassword;

import java.security.SecureRandom;
import java.util.Base64;

/** Random test data built at run time, so nothing that looks like a real credential is committed. */
final class Fakes {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String VALUE_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%&*+-=?@^_~";

  private Fakes() {}

  /** A 26-character lower-case 1Password-style ID. */
  static String id() {
    return random(ID_CHARS, 26);
  }

  /** A random secret value with a recognisable prefix (for leak scans). */
  static String secret() {
    return "kh" + random(VALUE_CHARS, 30);
  }

  /** A random Connect-token-like string (not a real token format). */
  static String token() {
    return "tok." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(48));
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static String random(String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** A random Base32 TOTP secret (20 bytes). */
  static String base32Secret() {
    return random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 32);
  }
}
