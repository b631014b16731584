package dev.keyhole.internal.redact;

import dev.keyhole.spi.RedactionEngine;
import java.time.Clock;
import java.time.Duration;

/** Creates Keyhole's default redaction engine. */
public final class DefaultRedactionEngines {
  /** How long an unregistered value keeps being redacted. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);

  private DefaultRedactionEngines() {}

  public static RedactionEngine create(Clock clock) {
    return new SimpleRedactionEngine(clock, DEFAULT_GRACE);
  }
}
