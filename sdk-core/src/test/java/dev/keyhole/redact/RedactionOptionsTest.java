package dev.keyhole.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedactionOptionsTest {
  @Test
  void defaults() {
    RedactionOptions o = RedactionOptions.defaults();
    assertThat(o.minLength()).isEqualTo(8);
    assertThat(o.allowWeakValues()).isFalse();
    assertThat(o.gracePeriod()).isEqualTo(Duration.ofMinutes(5));
    assertThat(o.toBuilder().minLength(12).build().minLength()).isEqualTo(12);
  }

  @Test
  void invalidSettings_failWithClearErrors() {
    assertThatThrownBy(() -> RedactionOptions.builder().minLength(3).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least 4");
    assertThatThrownBy(() -> RedactionOptions.builder().gracePeriod(Duration.ofSeconds(-1)).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("negative");
  }
}
