package dev.keyhole.onepassword;

import dev.keyhole.SecretFormatException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time passwords from an {@code otpauth://totp/…} URI or a bare Base32
 * secret, as 1Password stores them in OTP fields. The time comes from the caller (Keyhole's clock).
 *
 * <p>Security: the shared key is held only while a code is computed and wiped afterwards; error
 * messages never quote the URI or the secret.
 */
final class Totp {
  private final byte[] key;
  private final String algorithm;
  private final int digits;
  private final long periodSeconds;

  private Totp(byte[] key, String algorithm, int digits, long periodSeconds) {
    this.key = key;
    this.algorithm = algorithm;
    this.digits = digits;
    this.periodSeconds = periodSeconds;
  }

  /** A code and the instant it stops being valid. */
  // The digits are a secret: they must stay a wipeable array, not an immutable String.
  @SuppressWarnings("ArrayRecordComponent")
  record Code(char[] digits, Instant validUntil) {}

  /**
   * Computes the code at {@code now} from an OTP field's value and wipes the key.
   *
   * @param what names the field in error messages (no value)
   */
  static Code codeAt(String otpValue, Instant now, String what) {
    Totp t = parse(otpValue, what);
    try {
      return t.code(now);
    } finally {
      Arrays.fill(t.key, (byte) 0);
    }
  }

  static Totp parse(String value, String what) {
    String v = value.strip();
    if (v.regionMatches(true, 0, "otpauth://", 0, 10)) {
      String rest = v.substring(10);
      if (!rest.regionMatches(true, 0, "totp/", 0, 5) && !rest.regionMatches(true, 0, "totp?", 0, 5)) {
        throw new SecretFormatException(what + " holds an otpauth URI that is not of type 'totp'"
            + " (HOTP and other kinds are not supported)");
      }
      int q = rest.indexOf('?');
      if (q < 0) {
        throw new SecretFormatException(what + " holds an otpauth URI without parameters; it needs"
            + " at least 'secret'");
      }
      String secret = null;
      String algorithm = "HmacSHA1";
      int digits = 6;
      long period = 30;
      for (String param : rest.substring(q + 1).split("&", -1)) {
        int eq = param.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String k = param.substring(0, eq).toLowerCase(Locale.ROOT);
        String val = URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
        switch (k) {
          case "secret" -> secret = val;
          case "algorithm" -> algorithm = switch (val.toUpperCase(Locale.ROOT)) {
            case "SHA1" -> "HmacSHA1";
            case "SHA256" -> "HmacSHA256";
            case "SHA512" -> "HmacSHA512";
            default -> throw new SecretFormatException(what + " names an unsupported OTP algorithm"
                + " (supported: SHA1, SHA256, SHA512)");
          };
          case "digits" -> digits = parseInt(val, what, "digits", 6, 10);
          case "period" -> period = parseInt(val, what, "period", 1, 86_400);
          default -> {
            // issuer, image, ... do not change the code
          }
        }
      }
      if (secret == null || secret.isBlank()) {
        throw new SecretFormatException(what + " holds an otpauth URI without a 'secret' parameter");
      }
      return new Totp(Base32.decode(secret, what), algorithm, digits, period);
    }
    return new Totp(Base32.decode(v, what), "HmacSHA1", 6, 30);
  }

  private static int parseInt(String text, String what, String name, int min, int max) {
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new SecretFormatException(what + " holds an otpauth URI whose '" + name + "' is not a"
        + " number from " + min + " to " + max);
  }

  Code code(Instant now) {
    long counter = Math.floorDiv(now.getEpochSecond(), periodSeconds);
    byte[] msg = ByteBuffer.allocate(8).putLong(counter).array();
    byte[] hash;
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      hash = mac.doFinal(msg);
    } catch (GeneralSecurityException e) {
      throw new SecretFormatException("Cannot compute a one-time password with " + algorithm + " ("
          + e.getClass().getSimpleName() + ")");
    }
    int offset = hash[hash.length - 1] & 0x0f;
    long binary = ((hash[offset] & 0x7fL) << 24) | ((hash[offset + 1] & 0xffL) << 16)
        | ((hash[offset + 2] & 0xffL) << 8) | (hash[offset + 3] & 0xffL);
    Arrays.fill(hash, (byte) 0);
    long otp = binary % pow10(digits);
    char[] out = new char[digits];
    for (int i = digits - 1; i >= 0; i--) {
      out[i] = (char) ('0' + (otp % 10));
      otp /= 10;
    }
    return new Code(out, Instant.ofEpochSecond((counter + 1) * periodSeconds));
  }

  private static long pow10(int n) {
    long p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }

  /** RFC 4648 Base32, case-insensitive, ignoring spaces, dashes and padding. */
  static final class Base32 {
    private Base32() {}

    static byte[] decode(String text, String what) {
      byte[] out = new byte[text.length() * 5 / 8 + 1];
      int n = 0;
      int buffer = 0;
      int bits = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        int v;
        if (c >= 'A' && c <= 'Z') {
          v = c - 'A';
        } else if (c >= 'a' && c <= 'z') {
          v = c - 'a';
        } else if (c >= '2' && c <= '7') {
          v = c - '2' + 26;
        } else if (c == ' ' || c == '-' || c == '=') {
          continue;
        } else {
          Arrays.fill(out, (byte) 0);
          throw new SecretFormatException(what + " is not a Base32 one-time-password secret (it has a"
              + " character outside A-Z and 2-7); store an otpauth://totp/ URI or a Base32 secret");
        }
        buffer = (buffer << 5) | v;
        bits += 5;
        if (bits >= 8) {
          out[n++] = (byte) (buffer >> (bits - 8));
          bits -= 8;
        }
      }
      if (n == 0) {
        throw new SecretFormatException(what + " holds an empty one-time-password secret");
      }
      byte[] key = Arrays.copyOf(out, n);
      Arrays.fill(out, (byte) 0);
      return key;
    }
  }
}
