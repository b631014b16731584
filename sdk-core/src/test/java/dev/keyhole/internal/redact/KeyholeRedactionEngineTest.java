package dev.keyhole.internal.redact;

import static dev.keyhole.internal.redact.Encodings.randomSecret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.Redactor.StreamingRedactor;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.spi.RedactionEngine;
import dev.keyhole.spi.RedactionEngine.Registration;
import dev.keyhole.testing.MutableClock;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyholeRedactionEngineTest {
  private final MutableClock clock = new MutableClock();
  private final KeyholeRedactionEngine engine =
      new KeyholeRedactionEngine(clock, RedactionOptions.defaults());

  private Registration register(String value, String handle) {
    return engine.register(SecretValue.ofString(value), SecretHandle.of(handle));
  }

  @Test
  void defaultEngines_createThisEngine() {
    RedactionEngine e = DefaultRedactionEngines.create(clock);
    assertThat(e).isInstanceOf(KeyholeRedactionEngine.class);
  }

  @Test
  void redact_replacesValueWithHandleToken() {
    String secret = randomSecret(32);
    register(secret, "github_token");
    assertThat(engine.redact("Authorization: Bearer " + secret + "\n"))
        .isEqualTo("Authorization: Bearer secret://github_token\n");
    assertThat(engine.containsSecret(CharBuffer.wrap("x" + secret))).isTrue(); // not a String
  }

  @Test
  void redact_withoutMatch_returnsSameInstance() {
    register(randomSecret(32), "a");
    String text = new String("nothing to see here, just a long line of ordinary log text".toCharArray());
    assertThat(engine.redact(text)).isSameAs(text);
    assertThat(engine.containsSecret(text)).isFalse();
    assertThat(engine.redact("")).isEmpty();
  }

  @Test
  void redact_everyPlainEncoding() {
    String secret = "p@ss/w=rd+\"quote\" 'single' \\ é 東京 " + randomSecret(12);
    register(secret, "db");
    for (String form : Encodings.plainForms(secret)) {
      String out = engine.redact("{\"v\":\"" + form + "\"}");
      assertThat(out).as("form %s", Encodings.plainForms(secret).indexOf(form))
          .isEqualTo("{\"v\":\"secret://db\"}");
    }
  }

  @Test
  void redact_findsSecretsAtEveryOffsetAroundScanChunkBoundaries() {
    String secret = randomSecret(23);
    register(secret, "tok");
    String filler = "x".repeat(20_000);
    String wide = "東".repeat(20_000); // UTF-16 strings take the low-byte path
    for (String pad : List.of(filler, wide)) {
      for (int at = 8192 - 40; at <= 8192 + 8; at++) {
        String text = pad.substring(0, at) + secret + pad.substring(at);
        assertThat(engine.redact(text)).as("offset %d", at)
            .isEqualTo(pad.substring(0, at) + "secret://tok" + pad.substring(at));
      }
    }
  }

  @Test
  void redact_base64AtEveryAlignment_includingBasicAuth() {
    String secret = randomSecret(24);
    register(secret, "pw");
    SecureRandom r = new SecureRandom();
    for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder(),
        Base64.getEncoder().withoutPadding())) {
      for (int prefix = 0; prefix < 6; prefix++) {
        for (int suffix = 0; suffix < 4; suffix++) {
          byte[] p = new byte[prefix];
          byte[] s = new byte[suffix];
          r.nextBytes(p);
          r.nextBytes(s);
          String[] enc2 = Encodings.base64Embedded(enc, p, secret, s);
          String out = engine.redact("data=" + enc2[0] + ";");
          assertThat(out).contains("secret://pw").doesNotContain(enc2[1]);
        }
      }
    }
    String basic = Base64.getEncoder()
        .encodeToString(("user:" + secret + "\n").getBytes(StandardCharsets.UTF_8));
    assertThat(engine.redact("Authorization: Basic " + basic)).contains("secret://pw")
        .doesNotContain(basic.substring(8, basic.length() - 4));
  }

  @Test
  void redact_multiLineValue_linesAndLfForm() {
    String line1 = randomSecret(40);
    String line2 = randomSecret(40);
    String pem = "-----BEGIN TEST KEY-----\r\n" + line1 + "\r\n" + line2 + "\r\n-----END TEST KEY-----";
    register(pem, "key");
    // the replaced range keeps its line breaks: line numbers after it stay right
    assertThat(engine.redact("x" + pem + "y")).isEqualTo("xsecret://key\r\n\r\n\r\ny");
    assertThat(engine.redact(pem.replace("\r\n", "\n"))).isEqualTo("secret://key\n\n\n");
    assertThat(engine.redact("partial: " + line2 + "\n")).isEqualTo("partial: secret://key\n");
    assertThat(engine.redact(Encodings.json(pem.replace("\r\n", "\n")))).isEqualTo("secret://key");
    // the low-entropy header line alone is not a pattern
    String header = "-----BEGIN TEST KEY-----";
    assertThat(engine.redact(header)).isSameAs(header);
  }

  @Test
  void redact_binaryValue_base64AndHex() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    bytes[0] = (byte) 0xFF; // not UTF-8
    engine.register(SecretValue.ofBytes(bytes), SecretHandle.of("bin"));
    assertThat(engine.redact(Base64.getEncoder().encodeToString(bytes))).startsWith("secret://bin");
    assertThat(engine.redact(java.util.HexFormat.of().formatHex(bytes))).isEqualTo("secret://bin");
  }

  @Test
  void overlappingSecrets_mergeIntoOneGenericToken() {
    String a = randomSecret(20);
    String b = randomSecret(20);
    register(a + b.substring(0, 10), "first");
    register(a.substring(10) + b, "second");
    assertThat(engine.redact("<" + a + b + ">")).isEqualTo("<" + KeyholeRedactionEngine.GENERIC_TOKEN + ">");
  }

  @Test
  void adjacentSecrets_mergeIntoOneRange() {
    String a = randomSecret(16);
    String b = randomSecret(16);
    register(a, "first");
    register(b, "second");
    assertThat(engine.redact(a + b + " " + a + a + " " + a + " " + b))
        .isEqualTo("secret://redacted secret://first secret://first secret://second");
  }

  @Test
  void sameSecretTwice_andOverlappingOccurrences() {
    String s = randomSecret(10);
    register(s + s, "twice");
    // s s s contains "s+s" at offsets 0 and 10 (overlapping): one merged range
    assertThat(engine.redact(s + s + s + "!")).isEqualTo("secret://twice!");
  }

  @Test
  void redact_isIdempotent_andTokensNeverMatch() {
    String secret = randomSecret(32);
    register(secret, "github_token");
    // a value whose only forms would match inside the handle token is not usable
    register("Xq9_github_token", "x");
    String once = engine.redact("a " + secret + " b secret://github_token secret://x");
    assertThat(engine.redact(once)).isSameAs(once);
    assertThat(once).isEqualTo("a secret://github_token b secret://github_token secret://x");
  }

  @Test
  void redact_tokenCompletingAPattern_isRedactedToo() {
    // A value that only appears once the handle token has been inserted is still redacted
    String tail = randomSecret(12);
    register("et://one" + tail, "other");
    String first = randomSecret(16);
    register(first, "one");
    String out = engine.redact("X" + first + tail);
    assertThat(out).isEqualTo("Xsecret://redacted");
    assertThat(engine.redact(out)).isSameAs(out);
  }

  @Test
  void register_refusesShortAndLowEntropyValues_withoutQuotingThem() {
    assertThatThrownBy(() -> register("Ab3$x9", "short"))
        .isInstanceOf(SecretFormatException.class)
        .hasMessageContaining("secret://short").hasMessageContaining("minimum of 8")
        .hasMessageNotContaining("Ab3$x9").hasMessageContaining("allowWeakValues");
    for (String weak : List.of("aaaaaaaaaaaa", "abababababab", "23456789", "zyxwvutsrq")) {
      assertThatThrownBy(() -> register(weak, "weak"))
          .isInstanceOf(SecretFormatException.class).hasMessageContaining("low in entropy")
          .hasMessageNotContaining(weak);
    }
    assertThatThrownBy(() -> register("abc", "tiny")).isInstanceOf(SecretFormatException.class);
    assertThatThrownBy(() -> register("secret://" + randomSecret(10), "handle"))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("handle token");
    assertThat(engine.registrationCount()).isZero();
  }

  @Test
  void register_weakValueAllowed_isRedacted() {
    KeyholeRedactionEngine lenient = new KeyholeRedactionEngine(clock,
        RedactionOptions.builder().allowWeakValues(true).build());
    lenient.register(SecretValue.ofString("hunt3r"), SecretHandle.of("pw"));
    lenient.register(SecretValue.ofString("aaaaaaaaaa"), SecretHandle.of("rep"));
    assertThat(lenient.redact("pw=hunt3r; x=aaaaaaaaaa")).isEqualTo("pw=secret://pw; x=secret://rep");
  }

  @Test
  void minLength_isConfigurable() {
    KeyholeRedactionEngine strict = new KeyholeRedactionEngine(clock,
        RedactionOptions.builder().minLength(20).build());
    assertThatThrownBy(() -> strict.register(SecretValue.ofString(randomSecret(19)),
        SecretHandle.of("s"))).hasMessageContaining("minimum of 20");
  }

  @Test
  void unregister_keepsRedactingDuringGracePeriod_thenStops() {
    String secret = randomSecret(32);
    Registration r = register(secret, "tok");
    assertThat(engine.redact(secret)).isEqualTo("secret://tok");
    r.unregister();
    r.unregister();
    clock.advance(RedactionOptions.DEFAULT_GRACE_PERIOD.minusSeconds(1));
    assertThat(engine.redact(secret)).isEqualTo("secret://tok");
    clock.advance(Duration.ofSeconds(1));
    assertThat(engine.redact(secret)).isEqualTo(secret);
    assertThat(engine.registrationCount()).isZero();
  }

  @Test
  void concurrentRegisterAndScan_neverSeeAHalfBuiltMatcher() throws Exception {
    int writers = 2;
    int perWriter = 200;
    List<String> secrets = new ArrayList<>();
    for (int i = 0; i < writers * perWriter; i++) {
      secrets.add(randomSecret(24));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int base = w * perWriter;
        futures.add(pool.submit(() -> {
          for (int i = base; i < base + perWriter; i++) {
            register(secrets.get(i), "s" + i);
            // a value registered by this thread is redacted by this thread's next scan
            String text = "v=" + secrets.get(i) + ";";
            assertThat(engine.redact(text)).isEqualTo("v=secret://s" + i + ";");
          }
        }));
      }
      for (int reader = 0; reader < 2; reader++) {
        futures.add(pool.submit(() -> {
          for (int k = 0; k < 300; k++) {
            int i = k % secrets.size();
            String s = secrets.get(i);
            String out = engine.redact("x " + s + " y");
            assertThat(out).isIn("x " + s + " y", "x secret://s" + i + " y");
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    StringBuilder all = new StringBuilder();
    secrets.forEach(s -> all.append(s).append('\n'));
    String out = engine.redact(all.toString());
    for (String s : secrets) {
      assertThat(out).doesNotContain(s);
    }
  }

  // Deliberate same-instance check: redact returns its argument itself when nothing matched.
  @SuppressWarnings("ReferenceEquality")
  @Test
  void noMatchPath_allocatesNothing() throws Exception {
    for (int i = 0; i < 50; i++) {
      register(randomSecret(32), "s" + i);
    }
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 4096) {
      sb.append("INFO request id=42 took 17ms path=/api/v1/items?page=3 status=200\n");
    }
    String text = sb.toString();
    for (int i = 0; i < 20_000; i++) {
      engine.redact(text); // warm up (JIT, matcher build)
    }
    long overhead = -allocatedBytes() + allocatedBytes();
    long before = allocatedBytes();
    boolean any = false;
    for (int i = 0; i < 1000; i++) {
      any |= engine.redact(text) != text;
      any |= engine.containsSecret(text);
    }
    long allocated = allocatedBytes() - before - overhead;
    assertThat(any).isFalse();
    assertThat(allocated).isLessThan(100); // not per call: 2,000 calls ran
  }

  /** This thread's allocation counter (HotSpot's ThreadMXBean, reached reflectively). */
  static long allocatedBytes() throws ReflectiveOperationException {
    Object mx = Class.forName("java.lang.management.ManagementFactory")
        .getMethod("getThreadMXBean").invoke(null);
    Object bytes = Class.forName("com.sun.management.ThreadMXBean")
        .getMethod("getThreadAllocatedBytes", long.class)
        .invoke(mx, Thread.currentThread().getId());
    return (Long) bytes;
  }

  @Test
  void streaming_catchesSecretSplitAtEveryBoundary() {
    String secret = randomSecret(20);
    register(secret, "tok");
    String text = "before " + secret + " between " + Encodings.hex(secret) + " after";
    for (int cut = 0; cut <= text.length(); cut++) {
      for (int cut2 = cut; cut2 <= text.length(); cut2 += 7) {
        StreamingRedactor s = engine.streaming();
        String out = s.write(text.substring(0, cut)) + s.write(text.substring(cut, cut2))
            + s.write(text.substring(cut2)) + s.finish();
        assertThat(out).isEqualTo("before secret://tok between secret://tok after");
      }
    }
  }

  @Test
  void streaming_holdsBackOnlyWhatCouldStartASecret() {
    String secret = randomSecret(40);
    register(secret, "tok");
    StreamingRedactor s = engine.streaming();
    String plain = "ordinary text without any secret in it, long enough to matter\n";
    String out = s.write(plain);
    // at most one q-gram minus one character (and the separators between them) is held back when
    // no pattern prefix is pending
    assertThat(plain.substring(out.length()).replaceAll("\\s", "").length())
        .isLessThanOrEqualTo(Matcher.MAX_Q - 1);
    String held = s.write("key=" + secret.substring(0, 30));
    assertThat(held).doesNotContain(secret.substring(0, 30));
    assertThat(out + held + s.write(secret.substring(30) + "!") + s.finish())
        .isEqualTo(plain + "key=secret://tok!");
    assertThatThrownBy(() -> s.write("more")).isInstanceOf(IllegalStateException.class);
  }

  /**
   * Registrations between scans are added to a copy of the matcher rather than rebuilding it; the
   * result must be what a full build gives: every form of every value, shared values merged, a
   * value too short for the current matcher (a full build instead), a grace period ending.
   */
  @Test
  void matcherUpdatedPerRegistration_redactsLikeAFullBuild() {
    KeyholeRedactionEngine full = new KeyholeRedactionEngine(clock, RedactionOptions.defaults());
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      values.add(randomSecret(i == 30 ? 10 : 16 + i % 20)); // a short one: a full build
    }
    values.add(values.get(3)); // the same value under a second handle: the generic token
    StringBuilder text = new StringBuilder("start\n");
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      register(v, "h" + i);
      full.register(SecretValue.ofString(v), SecretHandle.of("h" + i));
      // a scan between registrations: the next registration updates this generation
      assertThat(engine.redact("x " + v + " y")).doesNotContain(v);
      text.append(i).append(": ").append(v).append(" | ").append(Encodings.hex(v)).append(" | ")
          .append(Base64.getMimeEncoder(8, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(("k=" + v).getBytes(StandardCharsets.UTF_8)))
          .append('\n');
    }
    String expected = full.redact(text.toString());
    assertThat(engine.redact(text.toString())).isEqualTo(expected);
    for (String v : values) {
      assertThat(expected).doesNotContain(v).doesNotContain(Encodings.hex(v));
    }
    assertThat(expected).contains("secret://redacted").contains("secret://h39");
    assertThat(engine.matcherStats().patterns()).isEqualTo(full.matcherStats().patterns());

    // A grace period that ends: the value leaves the matcher (a full build) in both.
    register(values.get(0), "late").unregister();
    clock.advance(Duration.ofHours(1));
    assertThat(engine.redact(text.toString())).isEqualTo(expected);
  }

  /**
   * A separator-tolerant form in progress (base64 one character per line, CRLF, the longest
   * stretch a form takes): held back whole, never released in part, and released as soon as a
   * character arrives that cannot continue it, except the last characters that could still start a
   * form.
   */
  @Test
  void streaming_holdsBackATolerantFormInProgress_andNoMore() {
    String secret = randomSecret(32);
    register(secret, "tok");
    String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
    StringBuilder wrapped = new StringBuilder();
    for (int i = 0; i < b64.length(); i++) {
      wrapped.append(b64.charAt(i)).append("\r\n");
    }
    String partial = wrapped.substring(0, wrapped.length() - 3 * 6); // six characters to come
    assertThat(partial.length()).isLessThanOrEqualTo(engine.snapshot().matcher.maxExtent);

    StreamingRedactor s = engine.streaming();
    assertThat(s.write("log line\n" + partial)).isEqualTo("log line\n");
    String released = s.write("!");
    assertThat(partial + "!").startsWith(released);
    assertThat((partial + "!").substring(released.length()).replaceAll("\\s", "").length())
        .isLessThanOrEqualTo(Matcher.MAX_Q);
    assertThat(released + s.finish()).isEqualTo(partial + "!");

    StreamingRedactor whole = engine.streaming();
    String out = whole.write("log line\n" + partial) + whole.write(wrapped.substring(partial.length()))
        + whole.write("!") + whole.finish();
    assertThat(out).isEqualTo(engine.redact("log line\n" + wrapped + "!"))
        .startsWith("log line\nsecret://tok\r\n").doesNotContain(b64.substring(0, 8));
  }

  @Test
  void toString_revealsNothing() {
    String secret = randomSecret(32);
    Registration r = register(secret, "tok");
    assertThat(engine.toString()).doesNotContain(secret);
    assertThat(r.toString()).doesNotContain(secret).contains("secret://tok");
    assertThat(engine.matcherStats().patterns()).isGreaterThan(3);
  }
}
