package dev.keyhole.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.InvalidReferenceException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/** Properties of the reference parsers: round trips for valid input, typed errors for anything. */
class ReferenceGrammarProperties {
  @Provide
  Arbitrary<String> smNames() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
        .withCharRange('0', '9').withChars('/', '_', '+', '=', '.', '@', '-').ofMinLength(1)
        .ofMaxLength(120).filter(s -> !s.startsWith("arn:"));
  }

  @Provide
  Arbitrary<String> jsonKeys() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(40)
        .filter(s -> s.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '#'))
        .filter(s -> !s.isBlank() && s.strip().equals(s));
  }

  @Property
  void sm_nameAndHashKey_roundTrip(@ForAll("smNames") String name, @ForAll("jsonKeys") String key) {
    SecretsManagerReference r = SecretsManagerReference.parse("aws-sm:" + name + "#" + key);
    assertThat(r.secretId()).isEqualTo(name);
    assertThat(r.jsonKey()).contains(key);
    assertThat(r.toString()).isEqualTo("aws-sm:" + name + "#" + key);
  }

  @Property
  void sm_anyText_parsesOrFailsWithInvalidReference(@ForAll @StringLength(max = 200) String text) {
    try {
      SecretsManagerReference r = SecretsManagerReference.parse("aws-sm:" + text);
      assertThat(r.secretId()).isNotEmpty();
    } catch (InvalidReferenceException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Property
  void ssm_anyText_parsesOrFailsWithInvalidReference(@ForAll @StringLength(max = 200) String text) {
    try {
      ParameterStoreReference r = ParameterStoreReference.parse("aws-ssm:" + text);
      assertThat(r.requestName()).startsWith(r.name());
    } catch (InvalidReferenceException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
