package dev.keyhole.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StrengthTest {
  @Test
  void estimate_leavesTheCallersArrayIntact() {
    String secret = Encodings.randomSecret(40);
    char[] value = secret.toCharArray();
    Strength.isGuessable(value);
    assertThat(new String(value)).isEqualTo(secret);
  }

  @Test
  void dictionaryWordsAndYears_areGuessable_randomValuesAreNot() {
    for (String weak : new String[] {"password", "Winter2026!", "abcdabcd", "qwerty123456"}) {
      assertThat(Strength.isGuessable(weak.toCharArray())).as(weak).isTrue();
    }
    assertThat(Strength.isGuessable(Encodings.randomSecret(12).toCharArray())).isFalse();
  }

  @Test
  void longValues_areMeasuredInWindows() {
    // past one window: a weak start followed by random characters is not guessable ...
    assertThat(Strength.isGuessable(("password" + Encodings.randomSecret(24)).toCharArray()))
        .isFalse();
    // ... but a value that stays weak over several windows is
    assertThat(Strength.isGuessable("passwordpasswordpassword1".toCharArray())).isTrue();
    assertThat(Strength.guessesLog10(Encodings.randomSecret(200).toCharArray()))
        .isGreaterThanOrEqualTo(Strength.MIN_GUESSES_LOG10);
  }
}
