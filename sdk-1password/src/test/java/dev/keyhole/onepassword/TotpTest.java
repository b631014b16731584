package dev.keyhole.onepassword;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.SecretFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 6238 appendix B test vectors (public test keys, not credentials). */
class TotpTest {
  static final String SHA1_KEY = base32("12345678901234567890");
  static final String SHA256_KEY = base32("12345678901234567890123456789012");
  static final String SHA512_KEY = base32("1234567890123456789012345678901234567890123456789012345678901234");

  @ParameterizedTest
  @CsvSource({
      "59, SHA1, 94287082", "59, SHA256, 46119246", "59, SHA512, 90693936",
      "1111111109, SHA1, 07081804", "1111111109, SHA256, 68084774", "1111111109, SHA512, 25091201",
      "1234567890, SHA1, 89005924", "1234567890, SHA256, 91819424", "1234567890, SHA512, 93441116",
      "2000000000, SHA1, 69279037", "2000000000, SHA256, 90698825", "2000000000, SHA512, 38618901",
      "20000000000, SHA1, 65353130", "20000000000, SHA256, 77737706", "20000000000, SHA512, 47863826"})
  void rfc6238Vectors(long time, String algorithm, String expected) {
    String key = switch (algorithm) {
      case "SHA1" -> SHA1_KEY;
      case "SHA256" -> SHA256_KEY;
      default -> SHA512_KEY;
    };
    String uri = "otpauth://totp/ACME%20Co:alice@example.com?secret=" + key + "&issuer=ACME%20Co&algorithm="
        + algorithm + "&digits=8&period=30";
    Totp.Code code = Totp.codeAt(uri, Instant.ofEpochSecond(time), "field");
    assertThat(new String(code.digits())).isEqualTo(expected);
    assertThat(code.validUntil()).isEqualTo(Instant.ofEpochSecond((time / 30 + 1) * 30));
  }

  @Test
  void bareBase32Secret_defaultsToSixDigitsSha1() {
    String spaced = SHA1_KEY.toLowerCase(Locale.ROOT).replaceAll("(.{4})", "$1 ");
    assertThat(new String(Totp.codeAt(spaced, Instant.ofEpochSecond(59), "f").digits())).isEqualTo("287082");
  }

  @Test
  void badInput_failsWithoutQuotingTheSecret() {
    String secret = "SECRET" + Fakes.base32Secret();
    assertThatThrownBy(() -> Totp.codeAt("otpauth://hotp/x?secret=" + secret, Instant.EPOCH, "Field 'otp'"))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("not of type 'totp'")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(() -> Totp.codeAt("otpauth://totp/x?issuer=a", Instant.EPOCH, "Field 'otp'"))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("without a 'secret'");
    assertThatThrownBy(() -> Totp.codeAt(secret + "!", Instant.EPOCH, "Field 'otp'"))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("not a Base32")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(() -> Totp.codeAt("otpauth://totp/x?secret=" + SHA1_KEY + "&digits=3", Instant.EPOCH, "f"))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("digits");
    assertThatThrownBy(() -> Totp.codeAt("otpauth://totp/x?secret=" + SHA1_KEY + "&algorithm=MD5", Instant.EPOCH, "f"))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("algorithm");
  }

  static String base32(String ascii) {
    byte[] data = ascii.getBytes(StandardCharsets.US_ASCII);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder sb = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return sb.toString();
  }
}
