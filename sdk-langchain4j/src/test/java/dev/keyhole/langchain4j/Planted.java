package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.Redactor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Random secret values generated at run time (never committed), and their encodings for leak
 * checks. Values mix letters, digits and characters that URL-, base64- and hex-encoding change.
 */
final class Planted {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  // Characters URL-, base64- and hex-encoding change but JSON does not (no quote or backslash), so
  // that a value inside JSON text is still found in raw form before the encoding engine lands.
  private static final String SPECIAL = "/+=&%";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Planted() {}

  /** A fresh random value: 28 letters/digits with three characters that encodings change. */
  static String value() {
    StringBuilder sb = new StringBuilder("kh");
    for (int i = 0; i < 28; i++) {
      sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
      if (i == 6 || i == 13 || i == 20) {
        sb.append(SPECIAL.charAt(RANDOM.nextInt(SPECIAL.length())));
      }
    }
    return sb.toString();
  }

  /** A fresh random value that also holds a double quote, which JSON escapes. */
  static String valueWithQuote() {
    String v = value();
    return v.substring(0, 10) + '"' + v.substring(10);
  }

  /** A fresh random value of letters only (for a tool whose parameter cannot parse it). */
  static String letters() {
    StringBuilder sb = new StringBuilder("kh");
    for (int i = 0; i < 24; i++) {
      sb.append((char) ('a' + RANDOM.nextInt(26)));
    }
    return sb.toString();
  }

  /** The raw form and the encodings a multi-encoding redactor knows, by name. */
  static Map<String, String> forms(String v) {
    byte[] b = v.getBytes(StandardCharsets.UTF_8);
    Map<String, String> m = new LinkedHashMap<>();
    m.put("raw", v);
    m.put("json", json(v));
    m.put("url", URLEncoder.encode(v, StandardCharsets.UTF_8));
    m.put("base64", Base64.getEncoder().encodeToString(b));
    m.put("base64-unpadded", Base64.getEncoder().withoutPadding().encodeToString(b));
    m.put("base64url", Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    m.put("hex", HexFormat.of().formatHex(b));
    m.put("HEX", HexFormat.of().withUpperCase().formatHex(b));
    return m;
  }

  /** Encodings only (not the raw or JSON forms), for checks that need the real redaction engine. */
  static Map<String, String> encodings(String v) {
    Map<String, String> m = forms(v);
    m.remove("raw");
    m.remove("json");
    return m;
  }

  static String json(String v) {
    try {
      String q = JSON.writeValueAsString(v);
      return q.substring(1, q.length() - 1);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The forms of every value found in {@code text} (empty when none), as "form of value#i". */
  static List<String> found(String text, Map<String, String> formsByName, List<String> values) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      for (Map.Entry<String, String> f : formsByName.entrySet()) {
        if (text.contains(f.getValue())) {
          out.add(f.getKey() + " form of value #" + (i + 1));
        }
      }
    }
    return out;
  }

  /** Asserts that no raw or JSON-escaped form of any value is in {@code text}. */
  static void assertNoRawOrJson(String what, String text, List<String> values) {
    List<String> hits = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (text.contains(v)) {
        hits.add("raw form of value #" + (i + 1));
      }
      if (text.contains(json(v))) {
        hits.add("json form of value #" + (i + 1));
      }
    }
    assertThat(hits).as("planted values in %s", what).isEmpty();
  }

  /** Asserts that no form at all of any value is in {@code text}. */
  static void assertNoForm(String what, String text, List<String> values) {
    List<String> hits = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      for (Map.Entry<String, String> f : forms(values.get(i)).entrySet()) {
        if (text.contains(f.getValue())) {
          hits.add(f.getKey() + " form of value #" + (i + 1));
        }
      }
    }
    assertThat(hits).as("planted values in %s", what).isEmpty();
  }

  /** Whether the redactor matches encoded forms (the multi-encoding engine), for live {@code value}. */
  static boolean engineKnowsEncodings(Redactor redactor, String value) {
    for (String e : encodings(value).values()) {
      if (!redactor.containsSecret(e)) {
        return false;
      }
    }
    return true;
  }

  static final String NEEDS_ENGINE = "Needs the multi-encoding redaction engine (redaction issue),"
      + " which has not landed on this branch yet; the raw and JSON forms were checked.";
}
