package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretHandleTest {
  @Test
  void parse_canonicalizesToLowerCase() {
    SecretHandle h = SecretHandle.parse("SECRET://GitHub_Token");
    assertThat(h.name()).isEqualTo("github_token");
    assertThat(h.token()).isEqualTo("secret://github_token");
    assertThat(h).isEqualTo(SecretHandle.of("github_token"));
  }

  @Test
  void of_rejectsInvalidNames_withExpectedForm() {
    for (String bad : List.of("", "_x", "-x", "a.b", "a b", "a/b", "x".repeat(65), "é")) {
      assertThatThrownBy(() -> SecretHandle.of(bad))
          .as("name '%s'", bad)
          .isInstanceOf(InvalidHandleException.class)
          .hasMessageContaining("1 to 64 characters");
    }
  }

  @Test
  void findAll_findsTokensInsideProse_andEndsAtNonNameCharacter() {
    List<HandleMatch> m = SecretHandle.findAll(
        "Authorization: Bearer secret://github_token. Then use Secret://DB-URL, ok?");
    assertThat(m).extracting(HandleMatch::handle)
        .containsExactly(SecretHandle.of("github_token"), SecretHandle.of("db-url"));
    assertThat(m.get(0).start()).isEqualTo("Authorization: Bearer ".length());
  }

  @Test
  void findAll_reportsMalformedTokens() {
    List<HandleMatch> m = SecretHandle.findAll("a secret:// b secret://_x c secret://" + "y".repeat(70));
    assertThat(m).hasSize(3).allSatisfy(x -> assertThat(x.valid()).isFalse());
  }

  @Test
  void findAll_ignoresLookAlikes() {
    assertThat(SecretHandle.findAll("secrets://x and notsecret: //y and https://secret/x")).isEmpty();
    assertThat(SecretHandle.containsToken("xsecret://ab")).isTrue();
    assertThat(SecretHandle.containsToken("plain text")).isFalse();
    assertThat(SecretHandle.containsToken("a://b secret://c")).isTrue();
  }

  @Test
  void parse_rejectsNonTokens() {
    assertThatThrownBy(() -> SecretHandle.parse("github_token"))
        .isInstanceOf(InvalidHandleException.class).hasMessageContaining("secret://NAME");
  }
}
