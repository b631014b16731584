package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SecretHandleProperties {
  @Provide
  Arbitrary<String> names() {
    Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('0', '9');
    Arbitrary<String> rest = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789_-")
        .ofMinLength(0).ofMaxLength(63);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  @Provide
  Arbitrary<String> prose() {
    // Text that cannot extend a name: no name characters at the edges.
    return Arbitraries.strings().withChars(" .,;:!?()[]{}\"'\n\t/=&").ofMaxLength(20);
  }

  @Property(tries = 300)
  void tokenRoundTrips(@ForAll("names") String name) {
    SecretHandle h = SecretHandle.of(name);
    assertThat(SecretHandle.parse(h.token())).isEqualTo(h);
    assertThat(SecretHandle.parse(h.token().toUpperCase(Locale.ROOT))).isEqualTo(h);
  }

  @Property(tries = 300)
  void everyEmbeddedTokenIsFound(@ForAll("names") String a, @ForAll("names") String b,
      @ForAll("prose") String before, @ForAll("prose") String between, @ForAll("prose") String after) {
    String text = before + "secret://" + a + between + " secret://" + b + after;
    List<HandleMatch> m = SecretHandle.findAll(text);
    assertThat(m).extracting(HandleMatch::handle)
        .containsExactly(SecretHandle.of(a), SecretHandle.of(b));
    assertThat(text.substring(m.get(0).start(), m.get(0).end())).isEqualToIgnoringCase("secret://" + a);
  }

  @Property(tries = 300)
  void textWithoutPrefixHasNoTokens(@ForAll String text) {
    String t = text.replace("://", ":/ /");
    assertThat(SecretHandle.findAll(t)).isEmpty();
    assertThat(SecretHandle.containsToken(t)).isFalse();
  }

  /** The finder's definition as a regular expression (what the hand-written scan replaced). */
  private static final java.util.regex.Pattern REFERENCE_TOKEN =
      java.util.regex.Pattern.compile("(?i)secret://([a-z0-9_-]*)");

  @Provide
  Arbitrary<String> tokenSoup() {
    // Pieces that make near-tokens, tokens in odd case, non-ASCII look-alikes (long s, Kelvin
    // sign, dotless i) and over-long names next to each other.
    return Arbitraries.of("secret://", "SECRET://", "SeCrEt://", "\u017Fecret://", "secreT:/",
        "ecret://", "secret:", "://", "se", "cret", "a", "Z", "0", "_", "-", " ", ".", "\u212A",
        "\u0131", "x".repeat(70), "\n", "/").list().ofMaxSize(14)
        .map(l -> String.join("", l));
  }

  @Property(tries = 2000)
  void findAll_agreesWithTheRegularExpressionItReplaced(@ForAll("tokenSoup") String text) {
    java.util.regex.Matcher m = REFERENCE_TOKEN.matcher(text);
    List<HandleMatch> found = SecretHandle.findAll(text);
    int i = 0;
    while (m.find()) {
      assertThat(found).as(text).hasSizeGreaterThan(i);
      HandleMatch f = found.get(i++);
      String raw = m.group(1).toLowerCase(Locale.ROOT);
      boolean valid = raw.matches("[a-z0-9][a-z0-9_-]{0,63}");
      assertThat(f.start()).as(text).isEqualTo(m.start());
      assertThat(f.end()).as(text).isEqualTo(m.end());
      assertThat(f.valid()).as(text).isEqualTo(valid);
      if (valid) {
        assertThat(f.handle().name()).isEqualTo(raw);
      }
    }
    assertThat(found).as(text).hasSize(i);
  }
}
