package dev.keyhole.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-10-21T07:28:00Z"), ZoneOffset.UTC);

  @Test
  void delaySeconds() {
    assertThat(RetryAfter.parse("120", clock)).contains(Duration.ofMinutes(2));
    assertThat(RetryAfter.parse(" 0 ", clock)).contains(Duration.ZERO);
  }

  @Test
  void httpDate_isADelayOnTheGivenClock() {
    assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:28:09 GMT", clock)).contains(Duration.ofSeconds(9));
    assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:27:00 GMT", clock)).contains(Duration.ZERO);
  }

  @Test
  void absentOrMalformed_isEmpty_andHugeIsCapped() {
    assertThat(RetryAfter.parse(null, clock)).isEmpty();
    assertThat(RetryAfter.parse("", clock)).isEmpty();
    assertThat(RetryAfter.parse("soon", clock)).isEmpty();
    assertThat(RetryAfter.parse("-5", clock)).isEmpty();
    assertThat(RetryAfter.parse("99999999999999", clock)).contains(Duration.ofDays(1));
  }
}
