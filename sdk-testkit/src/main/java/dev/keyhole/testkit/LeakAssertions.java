package dev.keyhole.testkit;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Generates secret-looking test values at run time and asserts that text contains none of them in
 * any common encoding: raw, JSON-escaped, URL-encoded (form and RFC 3986), base64 (standard and
 * URL-safe, at all three byte alignments, trimmed to the bits of the secret itself) and hex.
 */
public final class LeakAssertions {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private LeakAssertions() {}

  /** A random 32-character alphanumeric value, different on every call. */
  public static String randomSecret() {
    return randomSecret(32);
  }

  /** A random alphanumeric value of {@code length} characters. */
  public static String randomSecret(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
    }
    return sb.toString();
  }

  /** The encoded forms of {@code secret} that {@link #assertNoLeak} looks for. */
  public static Set<String> encodings(String secret) {
    Set<String> forms = new LinkedHashSet<>();
    forms.add(secret);
    forms.add(jsonEscape(secret));
    forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
    forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    forms.add(HexFormat.of().formatHex(bytes));
    forms.add(HexFormat.of().withUpperCase().formatHex(bytes));
    for (int shift = 0; shift < 3; shift++) {
      byte[] padded = new byte[shift + bytes.length];
      System.arraycopy(bytes, 0, padded, shift, bytes.length);
      for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
        String b64 = enc.withoutPadding().encodeToString(padded);
        // Characters that depend only on the secret's bits: skip the prefix's chars, drop the last
        // partial char.
        int startChar = (shift * 8 + 5) / 6;
        int endBits = (shift + bytes.length) * 8;
        int endChar = endBits / 6;
        if (endChar - startChar >= 8) {
          forms.add(b64.substring(startChar, endChar));
        }
      }
    }
    forms.removeIf(f -> f.length() < 8);
    return forms;
  }

  /**
   * Fails when {@code text} contains any of {@code secrets} in any of their {@link #encodings}.
   * The failure message names the encoding and the position, never the value.
   */
  public static void assertNoLeak(String where, String text, String... secrets) {
    List<String> problems = leaks(text, secrets);
    if (!problems.isEmpty()) {
      throw new AssertionError("Secret value leaked in " + where + ": " + problems);
    }
  }

  /** Descriptions (no values) of every leak found; empty when clean. */
  public static List<String> leaks(String text, String... secrets) {
    List<String> problems = new ArrayList<>();
    for (int s = 0; s < secrets.length; s++) {
      int k = 0;
      for (String form : encodings(secrets[s])) {
        int at = text.indexOf(form);
        if (at >= 0) {
          problems.add("secret #" + s + " as " + describe(k) + " at offset " + at);
        }
        k++;
      }
    }
    return problems;
  }

  private static String describe(int k) {
    return switch (k) {
      case 0 -> "raw";
      case 1 -> "JSON";
      case 2 -> "URL(form)";
      case 3 -> "URL(RFC3986)";
      case 4 -> "hex";
      case 5 -> "HEX";
      default -> "base64 form " + (k - 6);
    };
  }

  static String jsonEscape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
