package dev.keyhole.internal.redact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Encodings of a value produced by real libraries (Jackson, URLEncoder, java.util.Base64,
 * HexFormat), independently of the engine's own {@link Forms}; the tests plant these and check
 * that none survives redaction.
 */
final class Encodings {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonMapper JSON_ASCII =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final Random RANDOM = new SecureRandom();

  private Encodings() {}

  /** A random alphanumeric value of {@code length} characters, made at run time. */
  static String randomSecret(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
    }
    return sb.toString();
  }

  static String json(String s) {
    try {
      String q = JSON.writeValueAsString(s);
      return q.substring(1, q.length() - 1);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  static String jsonAscii(String s) {
    try {
      String q = JSON_ASCII.writeValueAsString(s);
      return q.substring(1, q.length() - 1);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  static String formUrl(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String rfc3986(String s) {
    return formUrl(s).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
  }

  static String lowerPercent(String encoded) {
    StringBuilder sb = new StringBuilder(encoded);
    for (int i = encoded.indexOf('%'); i >= 0; i = encoded.indexOf('%', i + 1)) {
      sb.replace(i + 1, i + 3, encoded.substring(i + 1, i + 3).toLowerCase(Locale.ROOT));
    }
    return sb.toString();
  }

  static String hex(String s) {
    return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code base64(prefix + value + suffix)} and, separately, the part of it that only depends on
   * the value's bits (what must disappear): characters fully covered by the value's bytes.
   */
  static String[] base64Embedded(Base64.Encoder enc, byte[] prefix, String value, byte[] suffix) {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[prefix.length + v.length + suffix.length];
    System.arraycopy(prefix, 0, all, 0, prefix.length);
    System.arraycopy(v, 0, all, prefix.length, v.length);
    System.arraycopy(suffix, 0, all, prefix.length + v.length, suffix.length);
    String encoded = enc.encodeToString(all);
    int from = (8 * prefix.length + 5) / 6;
    int to = (8 * (prefix.length + v.length)) / 6;
    return new String[] {encoded, encoded.substring(from, to)};
  }

  /** Every plain (non-base64) encoding of {@code s} the engine promises to catch. */
  static List<String> plainForms(String s) {
    List<String> out = new ArrayList<>();
    out.add(s);
    out.add(json(s));
    out.add(jsonAscii(s));
    out.add(json(s).replace("/", "\\/"));
    out.add(formUrl(s));
    out.add(formUrl(s).replace("+", "%20"));
    out.add(rfc3986(s));
    out.add(lowerPercent(formUrl(s)));
    out.add(lowerPercent(rfc3986(s)));
    out.add(hex(s));
    out.add(hex(s).toUpperCase(Locale.ROOT));
    if (s.contains("'")) {
      out.add(s.replace("'", "'\\''"));
    }
    if (s.contains("\"") || s.contains("\\")) {
      out.add(s.replace("\\", "\\\\").replace("\"", "\\\""));
    }
    return out;
  }
}
