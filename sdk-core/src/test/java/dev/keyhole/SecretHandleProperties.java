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
}
