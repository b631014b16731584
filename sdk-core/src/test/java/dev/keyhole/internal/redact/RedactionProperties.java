package dev.keyhole.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.Redactor.StreamingRedactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.testing.MutableClock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * For any secret (any characters: quotes, %, +, /, =, backslashes, newlines, non-ASCII) in any
 * surrounding text, in any encoding the engine promises, at any chunking: no form survives, and
 * text without secrets comes back unchanged. Encodings come from real libraries ({@link
 * Encodings}), not from the engine.
 */
class RedactionProperties {
  private static final String SPECIAL = "\"'%+/=\\ \n\r\t<>&$`~é東ü€";
  private static final int FORMS = 13; // plain forms, then base64 variants

  @Provide
  Arbitrary<String> secrets() {
    return Arbitraries.strings().withChars(Encodings.ALNUM).withChars(SPECIAL)
        .ofMinLength(8).ofMaxLength(40)
        .filter(s -> !ValueQuality.isLowEntropy(s) && !Strength.isGuessable(s.toCharArray())
            && !s.toLowerCase(Locale.ROOT).contains("secret://"));
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withCharRange(' ', '~').withChars("\n\té").ofMaxLength(120);
  }

  private static KeyholeRedactionEngine engineWith(String secret) {
    KeyholeRedactionEngine e =
        new KeyholeRedactionEngine(new MutableClock(), RedactionOptions.defaults());
    e.register(SecretValue.ofString(secret), SecretHandle.of("tok"));
    return e;
  }

  /** [planted text, what must not survive]. */
  private static String[] plant(String secret, int form, int align) {
    List<String> plain = Encodings.plainForms(secret);
    if (form < plain.size()) {
      return new String[] {plain.get(form), plain.get(form)};
    }
    byte[] prefix = new byte[align];
    byte[] suffix = new byte[(align * 7) % 4];
    java.util.Arrays.fill(prefix, (byte) 'u');
    java.util.Arrays.fill(suffix, (byte) '\n');
    Base64.Encoder enc = form % 2 == 0 ? Base64.getEncoder() : Base64.getUrlEncoder();
    return Encodings.base64Embedded(enc, prefix, secret, suffix);
  }

  private static void assertNoForm(String out, String secret, String mustGo) {
    assertThat(out).doesNotContain(mustGo);
    for (String f : Encodings.plainForms(secret)) {
      assertThat(out).doesNotContain(f);
    }
  }

  @Property(tries = 500)
  void anyForm_inAnyText_isRedacted(
      @ForAll("secrets") String secret,
      @ForAll("texts") String before,
      @ForAll("texts") String after,
      @ForAll @IntRange(min = 0, max = FORMS + 1) int form,
      @ForAll @IntRange(min = 0, max = 5) int align) {
    KeyholeRedactionEngine engine = engineWith(secret);
    String[] planted = plant(secret, form, align);
    String out = engine.redact(before + planted[0] + after);
    assertNoForm(out, secret, planted[1]);
    assertThat(out).contains("secret://");
    assertThat(engine.redact(out)).isSameAs(out);
  }

  @Property(tries = 300)
  void anyChunking_ofAStream_isRedacted(
      @ForAll("secrets") String secret,
      @ForAll("texts") String before,
      @ForAll("texts") String after,
      @ForAll @IntRange(min = 0, max = FORMS + 1) int form,
      @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 400) Integer> cuts) {
    KeyholeRedactionEngine engine = engineWith(secret);
    String[] planted = plant(secret, form, cuts.size() % 3);
    String text = before + planted[0] + after;
    String out = stream(engine, text, cuts);
    assertNoForm(out, secret, planted[1]);
    assertThat(out).isEqualTo(engine.redact(text));
  }

  @Property(tries = 300)
  void textWithoutSecrets_comesBackUnchanged(
      @ForAll("secrets") String secret,
      @ForAll("texts") String text,
      @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 200) Integer> cuts) {
    Assume.that(!text.contains(secret));
    KeyholeRedactionEngine engine = engineWith(secret);
    engine.register(SecretValue.ofString(Encodings.randomSecret(24)), SecretHandle.of("other"));
    String copy = new String(text.toCharArray());
    assertThat(engine.redact(copy)).isSameAs(copy);
    assertThat(stream(engine, text, cuts)).isEqualTo(text);
  }

  private static String stream(KeyholeRedactionEngine engine, String text, List<Integer> cuts) {
    TreeSet<Integer> at = new TreeSet<>();
    for (int c : cuts) {
      at.add(Math.min(c, text.length()));
    }
    at.add(text.length());
    List<String> chunks = new ArrayList<>();
    int prev = 0;
    for (int c : at) {
      chunks.add(text.substring(prev, c));
      prev = c;
    }
    StreamingRedactor s = engine.streaming();
    StringBuilder out = new StringBuilder();
    chunks.forEach(c -> out.append(s.write(c)));
    return out.append(s.finish()).toString();
  }
}
