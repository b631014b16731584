package dev.keyhole.onepassword;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.SecretRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpReferenceTest {
  @Test
  void parse_documentedExamples() {
    OpReference r = OpReference.parse("op://Management/PagerDuty/Admin/email");
    assertThat(r.vault()).isEqualTo("Management");
    assertThat(r.item()).isEqualTo("PagerDuty");
    assertThat(r.section()).contains("Admin");
    assertThat(r.field()).isEqualTo("email");
    assertThat(r.attribute()).isEmpty();
    assertThat(r.effectiveAttribute()).isEqualTo(OpAttribute.VALUE);

    OpReference s = OpReference.parse("op://dev/Stripe/publishable-key");
    assertThat(s.section()).isEmpty();
    assertThat(s.field()).isEqualTo("publishable-key");

    OpReference otp = OpReference.parse("op://development/GitHub/Security/one-time password?attribute=otp");
    assertThat(otp.attribute()).contains(OpAttribute.OTP);
    assertThat(OpReference.parse("op://d/GitHub/one-time password?attr=TOTP").attribute()).contains(OpAttribute.OTP);

    OpReference ssh = OpReference.parse("op://Private/ssh keys/ssh key/private key?ssh-format=openssh");
    assertThat(ssh.openSshFormat()).isTrue();
    assertThat(ssh.toString()).isEqualTo("op://Private/ssh keys/ssh key/private key?ssh-format=openssh");

    OpReference id = OpReference.parse("op://prod/yj3jfj2vzsbiwqabprflnl27lm/password");
    assertThat(OpReference.isId(id.item())).isTrue();
    assertThat(OpReference.isId("prod")).isFalse();
  }

  @Test
  void canonicalText_normalisesAliasesAndOrder() {
    assertThat(OpReference.parse(" OP://v/i/f?ssh-format=OpenSSH&attr=value ").toString())
        .isEqualTo("op://v/i/f?attribute=value&ssh-format=openssh");
    assertThat(OpReference.parse("op://v/i/file.txt?attr=size").toString()).isEqualTo("op://v/i/file.txt?attribute=size");
  }

  @Test
  void secretRefRoundTrip() {
    SecretRef ref = SecretRef.parse("op://Dev/GitHub/Admin/api token?attribute=type");
    OpReference op = OpReference.parse(ref);
    assertThat(op.toSecretRef()).isEqualTo(ref);
    assertThatThrownBy(() -> OpReference.parse(SecretRef.parse("env:HOME")))
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("not a 1Password reference");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "vault/item/field                          | does not start with 'op://'",
      "op://vault/item                           | 2 path parts",
      "op://a/b/c/d/e                            | 5 path parts",
      "op:///item/field                          | the vault is empty",
      "op://vault//field                         | the item is empty",
      "op://vault/item/                          | the field is empty",
      "op://vault/item//field                    | the section is empty",
      "op://vault/it@m/field                     | the item 'it@m' contains '@'",
      "op://vault/item/sec:tion/field            | the section 'sec:tion' contains ':'",
      "op://va\"ult/item/field                   | the vault 'va\"ult' contains '\"'",
      "op://vault/item/f%20d                     | the field 'f%20d' contains '%'",
      "op://vault/ item/field                    | leading or trailing whitespace",
      "op://vault/item/field?                    | nothing follows '?'",
      "op://vault/item/field?attribute           | is not key=value",
      "op://vault/item/field?attribute=          | is not key=value",
      "op://vault/item/field?attribute=password  | attribute 'password' is unknown",
      "op://vault/item/field?attr=otp&attribute=otp | gives the attribute twice",
      "op://vault/item/field?format=json         | query parameter 'format' is unknown",
      "op://vault/item/field?ssh-format=pem      | ssh-format 'pem' is not supported",
      "op://vault/item/field?attribute=otp&ssh-format=openssh | ssh-format=openssh applies",
      "op://vault/item/field?attribute=otp&&x=y  | empty query parameter",
  })
  void parse_rejectsWithPartAndRule(String text, String expected) {
    assertThatThrownBy(() -> OpReference.parse(text))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining(expected)
        .hasMessageStartingWith("1Password reference '");
  }

  @Test
  void parse_rejectsUnicodeAndControlCharacters() {
    assertThatThrownBy(() -> OpReference.parse("op://Dév/item/field"))
        .hasMessageContaining("the vault 'Dév' contains 'é'").hasMessageContaining("by its 26-character ID");
    assertThatThrownBy(() -> OpReference.parse("op://vault/item/fi\u0007eld"))
        .hasMessageContaining("U+0007").hasMessageContaining("\\u0007");
    assertThatThrownBy(() -> OpReference.parse("op://vault/item/fi\teld")).hasMessageContaining("U+0009");
  }

  @Test
  void builder_checksTheSameRules() {
    OpReference r = OpReference.builder().vault("Dev").item("GitHub").section("Admin").field("api token")
        .attribute(OpAttribute.TYPE).build();
    assertThat(r).isEqualTo(OpReference.parse("op://Dev/GitHub/Admin/api token?attribute=type"));
    assertThat(r.hashCode()).isEqualTo(OpReference.parse(r.toString()).hashCode());
    assertThatThrownBy(() -> OpReference.builder().vault("Dev").item("a/b").field("f").build())
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("the item 'a/b' contains '/'");
    assertThatThrownBy(() -> OpReference.builder().vault("Dev").field("f").build())
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("required");
  }

  @Test
  void withoutQuery_dropsParameters() {
    assertThat(OpReference.parse("op://v/i/f?attribute=otp").withoutQuery().toString()).isEqualTo("op://v/i/f");
  }
}
