package dev.keyhole.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.providers.InMemoryProvider;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A Keyhole with an in-memory provider holding random values, and leak checks for them. */
final class Fixture implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  final InMemoryProvider provider = InMemoryProvider.create();
  final MemoryAuditSink audit = MemoryAuditSink.create();
  final Map<String, String> values = new LinkedHashMap<>();
  final Keyhole keyhole;

  Fixture(String... names) {
    for (String n : names) {
      String v = randomValue(32);
      values.put(n, v);
      provider.put(n, v);
    }
    keyhole = Keyhole.builder().provider(provider).auditSink(audit).expirySweep(false).build();
  }

  /** A random alphanumeric value that looks like no real key format. */
  static String randomValue(int length) {
    StringBuilder sb = new StringBuilder("kt");
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  String value(String name) {
    return values.get(name);
  }

  TaskScope open(Grant... grants) {
    TaskOptions.Builder b = TaskOptions.builder().taskId("t-" + RANDOM.nextInt(1_000_000));
    for (Grant g : grants) {
      b.grant(g);
    }
    return keyhole.openTask(b.build());
  }

  /** The forms a value could leak in: raw and the encodings a redactor is expected to know. */
  static List<String> forms(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    out.add(value);
    out.add(Base64.getEncoder().encodeToString(b));
    out.add(Base64.getEncoder().withoutPadding().encodeToString(b));
    out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    out.add(HexFormat.of().formatHex(b));
    out.add(HexFormat.of().formatHex(b).toUpperCase(Locale.ROOT));
    out.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
    return out;
  }

  /** Asserts that no planted value appears in {@code text} in any form. */
  void assertNoValue(String text) {
    for (Map.Entry<String, String> e : values.entrySet()) {
      List<String> forms = forms(e.getValue());
      for (int i = 0; i < forms.size(); i++) {
        int at = text.indexOf(forms.get(i));
        // The message names the secret and the form, never the value.
        assertThat(at).as("value of %s in form #%d (0 raw, 1-3 base64, 4-5 hex, 6 url) at offset"
            + " %d of a %d-character text", e.getKey(), i, at, text.length()).isNegative();
      }
    }
  }

  /** Whether this build's redactor rewrites the base64 form of a value a task resolved. */
  boolean redactorKnowsEncodings() {
    String value = randomValue(32);
    String b64 = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    provider.put("encoding_probe", value);
    try (TaskScope t = open(Grant.builder("encoding_probe").ref("memory:encoding_probe")
        .tools("probe").build())) {
      t.resolve(t.handle("encoding_probe"), dev.keyhole.Use.byTool("probe")).destroy();
      return !keyhole.redactor().redact("x " + b64 + " y").contains(b64);
    } finally {
      provider.remove("encoding_probe");
    }
  }

  /** Asserts that no audit event, as text, holds a planted value. */
  void assertAuditClean() {
    for (AuditEvent ev : audit.events()) {
      assertNoValue(ev.toString());
    }
  }

  @Override
  public void close() {
    keyhole.close();
  }
}
