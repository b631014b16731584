package dev.keyhole.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.testing.MutableClock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values that pass the entropy check but are easy to guess (a common password, a repeated word,
 * a season and a year) are refused like low-entropy ones: redaction would rewrite ordinary text
 * that contains them, and a model can guess them.
 */
class WeakValueTest {
  private static final List<String> GUESSABLE = List.of("password", "abcdabcd", "Winter2026!",
      "Summer2025!", "P@ssw0rd123", "iloveyou123", "qwertyuiop", "trustno1trustno1",
      "December2025", "Password123!");

  private final MutableClock clock = new MutableClock();

  // Attack: the oracle. A tool echoes what it is given; the model sends candidate passwords and
  // learns which one came back as a handle token. Guessable values must not be live at all.
  @Test
  void guessableValues_passingTheEntropyCheck_areRefused_withoutQuotingThem() {
    KeyholeRedactionEngine engine = new KeyholeRedactionEngine(clock, RedactionOptions.defaults());
    for (String weak : GUESSABLE) {
      assertThat(ValueQuality.isLowEntropy(weak)).as(weak).isFalse();
      assertThatThrownBy(() -> engine.register(SecretValue.ofString(weak), SecretHandle.of("pw")))
          .as(weak)
          .isInstanceOf(SecretFormatException.class)
          .hasMessageContaining("secret://pw").hasMessageContaining("allowWeakValues")
          .hasMessageNotContaining(weak);
    }
    assertThat(engine.registrationCount()).isZero();
  }

  @Test
  void guessableValues_areRegistered_whenWeakValuesAreAllowed() {
    KeyholeRedactionEngine lenient = new KeyholeRedactionEngine(clock,
        RedactionOptions.builder().allowWeakValues(true).build());
    lenient.register(SecretValue.ofString("Winter2026!"), SecretHandle.of("pw"));
    assertThat(lenient.redact("login with Winter2026! now")).isEqualTo("login with secret://pw now");
  }

  @Test
  void randomValues_areAccepted() {
    KeyholeRedactionEngine engine = new KeyholeRedactionEngine(clock, RedactionOptions.defaults());
    for (int i = 0; i < 200; i++) {
      engine.register(SecretValue.ofString(Encodings.randomSecret(16)), SecretHandle.of("r" + i));
    }
    assertThat(engine.registrationCount()).isEqualTo(200);
  }
}
