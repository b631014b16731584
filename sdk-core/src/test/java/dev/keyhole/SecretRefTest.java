package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SecretRefTest {
  @Test
  void parse_builtInForms() {
    assertThat(SecretRef.parse("env:GITHUB_TOKEN").path()).isEqualTo("GITHUB_TOKEN");
    assertThat(SecretRef.parse("dotenv:config/.env#DB_URL").scheme()).isEqualTo("dotenv");
    assertThat(SecretRef.parse("memory:demo").toString()).isEqualTo("memory:demo");
    SecretRef op = SecretRef.parse("op://Dev/GitHub/token");
    assertThat(op.scheme()).isEqualTo("op");
    assertThat(op.path()).isEqualTo("//Dev/GitHub/token");
    assertThat(SecretRef.parse("AWS-SM:prod/db#password").scheme()).isEqualTo("aws-sm");
    assertThat(SecretRef.parse("aws-ssm:/prod/db/url")).isEqualTo(SecretRef.parse("aws-ssm:/prod/db/url"));
  }

  @Test
  void parse_rejectsBadSyntax_withExpectedForm() {
    assertThatThrownBy(() -> SecretRef.parse("GITHUB_TOKEN"))
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("has no scheme");
    assertThatThrownBy(() -> SecretRef.parse("env:"))
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("expected 'env:NAME'");
    assertThatThrownBy(() -> SecretRef.parse("env:GIT-HUB"))
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("env:NAME");
    assertThatThrownBy(() -> SecretRef.parse("dotenv:.env"))
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("dotenv:PATH#KEY");
    assertThatThrownBy(() -> SecretRef.parse("op:Dev/item"))
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("op://vault/item");
    assertThatThrownBy(() -> SecretRef.parse("1bad:x"))
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("scheme");
    assertThatThrownBy(() -> SecretRef.parse("env:A\nB"))
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("control character");
  }

  @Provide
  Arbitrary<String> envNames() {
    return Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789").ofMinLength(1)
        .ofMaxLength(30).filter(s -> !Character.isDigit(s.charAt(0)));
  }

  @Property(tries = 200)
  void envReferences_roundTrip(@ForAll("envNames") String name) {
    SecretRef r = SecretRef.parse("env:" + name);
    assertThat(SecretRef.parse(r.toString())).isEqualTo(r);
    assertThat(r.path()).isEqualTo(name);
  }

  @Property(tries = 300)
  void anyInput_eitherParsesOrFailsWithMessage(@ForAll String text) {
    try {
      SecretRef r = SecretRef.parse(text);
      assertThat(SecretRef.parse(r.toString())).isEqualTo(r);
    } catch (InvalidReferenceException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Test
  void referencesAreSafeToLog() {
    for (String s : List.of("env:X", "op://a/b/c", "aws-sm:arn:aws:secretsmanager:us-east-1:123456789012:secret:x")) {
      assertThat(SecretRef.parse(s).toString()).isEqualTo(s);
    }
  }
}
