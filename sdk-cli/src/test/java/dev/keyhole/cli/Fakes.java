package dev.keyhole.cli;

import dev.keyhole.testkit.LeakAssertions;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Secret-shaped test values, generated at run time so nothing that looks like a real key is ever
 * committed. Each call returns a new value.
 */
public final class Fakes {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String B64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  private Fakes() {}

  public static String password() {
    return LeakAssertions.randomSecret(12) + "!" + LeakAssertions.randomSecret(7);
  }

  public static String token() {
    return LeakAssertions.randomSecret(40);
  }

  public static String awsAccessKeyId() {
    return "AKIA" + pick(BASE32, 16);
  }

  public static String awsSecretAccessKey() {
    return pick(B64, 40);
  }

  public static String githubToken() {
    return "ghp_" + LeakAssertions.randomSecret(36);
  }

  public static String jwt() {
    Base64.Encoder u = Base64.getUrlEncoder().withoutPadding();
    String header = u.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
        .getBytes(StandardCharsets.UTF_8));
    String payload = u.encodeToString(("{\"sub\":\"" + LeakAssertions.randomSecret(10)
        + "\",\"iat\":1700000000}").getBytes(StandardCharsets.UTF_8));
    byte[] sig = new byte[32];
    RANDOM.nextBytes(sig);
    return header + "." + payload + "." + u.encodeToString(sig);
  }

  /** A freshly generated EC private key in PKCS#8 PEM. */
  public static String pemPrivateKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      byte[] der = g.generateKeyPair().getPrivate().getEncoded();
      String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(der);
      return "-----BEGIN " + "PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----";
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String gitSha() {
    byte[] b = new byte[20];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public static String uuid() {
    return UUID.randomUUID().toString();
  }

  /** An S3 pre-signed URL (with the public access key id and a time-limited signature). */
  public static String presignedUrl() {
    byte[] sig = new byte[32];
    RANDOM.nextBytes(sig);
    return "https://reports-bucket.s3.us-east-1.amazonaws.com/exports/2026/q1.csv"
        + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + awsAccessKeyId()
        + "%2F20260115%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260115T101500Z"
        + "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature="
        + HexFormat.of().formatHex(sig);
  }

  private static String pick(String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
