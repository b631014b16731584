package dev.keyhole.spi;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110 section 10.2.3) for providers that put it on
 * a {@link dev.keyhole.ProviderUnavailableException}: either delay-seconds ({@code 120}) or an
 * HTTP-date ({@code Wed, 21 Oct 2026 07:28:00 GMT}), which is turned into a delay on the given
 * clock (use Keyhole's, so tests with a fake clock are exact).
 */
public final class RetryAfter {
  /** Longer answers are treated as this long (a day): a delay, not a schedule. */
  private static final Duration MAX = Duration.ofDays(1);

  private RetryAfter() {}

  /**
   * The delay a {@code Retry-After} value asks for; empty when the header is absent or malformed.
   * A date in the past is a zero delay.
   */
  public static Optional<Duration> parse(@Nullable String value, Clock clock) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.strip();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (v.length() > 9) {
        return Optional.of(MAX);
      }
      Duration d = Duration.ofSeconds(Long.parseLong(v));
      return Optional.of(d.compareTo(MAX) > 0 ? MAX : d);
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(clock.instant(), at);
      if (d.isNegative()) {
        return Optional.of(Duration.ZERO);
      }
      return Optional.of(d.compareTo(MAX) > 0 ? MAX : d);
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }
}
