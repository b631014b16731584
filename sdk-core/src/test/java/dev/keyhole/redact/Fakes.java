package dev.keyhole.redact;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** Fake tokens in real formats, built at run time (nothing that looks like a key is committed). */
final class Fakes {
  private static final SecureRandom RANDOM = new SecureRandom();
  static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private Fakes() {}

  static String random(String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** Random alphanumerics with at least one digit, upper and lower case letter. */
  static String mixed(int n) {
    return "a" + "Z" + "7" + random(ALNUM, n - 3);
  }

  static String awsKeyId() {
    return "AK" + "IA" + random(BASE32, 16);
  }

  static String githubClassic(String kind) {
    return "gh" + kind + "_" + mixed(36);
  }

  static String githubFineGrained() {
    return "github" + "_pat_" + mixed(22) + "_" + mixed(59);
  }

  static String slack() {
    return "xo" + "xb-" + random("0123456789", 12) + "-" + random("0123456789", 13) + "-"
        + mixed(24);
  }

  static String skKey() {
    return "s" + "k-proj-" + mixed(48);
  }

  static String anthropicKey() {
    return "s" + "k-ant-api03-" + mixed(80) + "-" + mixed(12) + "AA";
  }

  static String jwt() {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    String header = b.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b.encodeToString(("{\"sub\":\"" + mixed(10) + "\",\"iat\":1700000000}")
        .getBytes(StandardCharsets.UTF_8));
    byte[] sig = new byte[32];
    RANDOM.nextBytes(sig);
    return header + "." + payload + "." + b.encodeToString(sig);
  }

  static String pem() {
    byte[] der = new byte[600];
    RANDOM.nextBytes(der);
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + "RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----";
  }

  static String hex(int n) {
    return random("0123456789abcdef", n);
  }

  static final String URLSAFE = ALNUM + "_-";

  static String base64(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /** A GitHub/npm style token with a valid base-62 CRC-32 checksum. */
  static String checksummed(String prefix, String random30) {
    return prefix + random30 + Tokens.base62Crc32Of(random30);
  }

  /** An age secret key: Bech32 with a valid checksum. */
  static String ageKey() {
    String charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    String hrp = "age-secret-key-";
    int[] data = new int[52];
    for (int i = 0; i < data.length; i++) {
      data[i] = RANDOM.nextInt(32);
    }
    int[] values = new int[hrp.length() * 2 + 1 + data.length + 6];
    int k = 0;
    for (int i = 0; i < hrp.length(); i++) {
      values[k++] = hrp.charAt(i) >> 5;
    }
    values[k++] = 0;
    for (int i = 0; i < hrp.length(); i++) {
      values[k++] = hrp.charAt(i) & 31;
    }
    System.arraycopy(data, 0, values, k, data.length);
    int mod = polymod(values) ^ 1;
    StringBuilder sb = new StringBuilder("AGE-SECRET-KEY-1");
    for (int d : data) {
      sb.append(Character.toUpperCase(charset.charAt(d)));
    }
    for (int i = 0; i < 6; i++) {
      sb.append(Character.toUpperCase(charset.charAt((mod >> (5 * (5 - i))) & 31)));
    }
    return sb.toString();
  }

  private static int polymod(int[] values) {
    int[] gen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    int chk = 1;
    for (int v : values) {
      int b = chk >> 25;
      chk = ((chk & 0x1ffffff) << 5) ^ v;
      for (int i = 0; i < 5; i++) {
        if (((b >> i) & 1) != 0) {
          chk ^= gen[i];
        }
      }
    }
    return chk;
  }

  /** A PEM block of the given type (e.g. "RSA PRIVATE KEY", "CERTIFICATE"). */
  static String pem(String type) {
    byte[] der = new byte[600];
    RANDOM.nextBytes(der);
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----";
  }
}
