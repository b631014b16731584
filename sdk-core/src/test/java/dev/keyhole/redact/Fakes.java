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
    return "s" + "k-ant-api03-" + mixed(80) + "-" + mixed(10) + "AA";
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
}
