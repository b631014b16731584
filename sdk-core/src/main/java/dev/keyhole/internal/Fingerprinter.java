package dev.keyhole.internal;

import dev.keyhole.SecretValue;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/** HMAC-SHA256 fingerprints of values, keyed per Keyhole instance. */
public final class Fingerprinter {
  private final SecretKeySpec key;

  public Fingerprinter(byte @Nullable [] key) {
    byte[] k = key != null ? key.clone() : new byte[32];
    if (key == null) {
      new SecureRandom().nextBytes(k);
    }
    this.key = new SecretKeySpec(k, "HmacSHA256");
    Arrays.fill(k, (byte) 0);
  }

  /** {@code hmac-sha256:} and the first 128 bits of the MAC in hex. */
  public String fingerprint(SecretValue value) {
    byte[] bytes = value.revealBytes();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] out = mac.doFinal(bytes);
      return "hmac-sha256:" + HexFormat.of().formatHex(out, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "Fingerprinter[hmac-sha256]";
  }
}
