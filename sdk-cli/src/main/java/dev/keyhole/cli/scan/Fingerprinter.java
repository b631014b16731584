package dev.keyhole.cli.scan;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed fingerprints of values: {@code hmac-sha256:} and the first 128 bits of
 * HMAC-SHA256(key, UTF-8 value) in hex. The same value under the same key always gives the same
 * fingerprint, so a baseline can accept it and two findings of one value can be matched.
 *
 * <p>Security: a plain hash of a short password can be reversed by trying candidates; a keyed one
 * cannot without the key. That is why the key lives outside the repository (see
 * {@code FingerprintKeys}): fingerprints end up in baselines committed to the repository and in
 * SARIF uploaded to code-scanning UIs, where anyone with the key could test guesses against them.
 */
public final class Fingerprinter {
  private static final String CHECK_INPUT = "keyhole fingerprint key check v1";
  private final SecretKeySpec key;

  private Fingerprinter(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /** A fingerprinter with a copy of {@code key} (at least 16 bytes). */
  public static Fingerprinter withKey(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("A fingerprint key needs at least 16 bytes, got "
          + key.length);
    }
    return new Fingerprinter(key.clone());
  }

  /** The fingerprint of {@code value}. */
  public String fingerprint(CharSequence value) {
    ByteBuffer buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(value));
    byte[] bytes = new byte[buf.remaining()];
    buf.get(bytes);
    try {
      return "hmac-sha256:" + HexFormat.of().formatHex(mac(bytes), 0, 16);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      buf.clear(); // the whole capacity, whatever the backing store
      while (buf.hasRemaining()) {
        buf.put((byte) 0);
      }
    }
  }

  /**
   * A short, public check value of the key (HMAC of a fixed string), stored in baselines so a scan
   * with a different key can say so instead of reporting every finding as new.
   */
  public String keyCheck() {
    return HexFormat.of().formatHex(mac(CHECK_INPUT.getBytes(StandardCharsets.UTF_8)), 0, 6);
  }

  private byte[] mac(byte[] input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "Fingerprinter[hmac-sha256, key check " + keyCheck() + "]";
  }
}
