package dev.keyhole.internal.redact;

import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.spi.RedactionEngine;
import java.time.Clock;
import java.time.Duration;

/** Creates Keyhole's default redaction engine. */
public final class DefaultRedactionEngines {
  /** How long an unregistered value keeps being redacted. */
  public static final Duration DEFAULT_GRACE = RedactionOptions.DEFAULT_GRACE_PERIOD;

  private DefaultRedactionEngines() {}

  /** The default engine: {@link KeyholeRedactionEngine} with {@link RedactionOptions#defaults()}. */
  public static RedactionEngine create(Clock clock) {
    return new KeyholeRedactionEngine(clock, RedactionOptions.defaults());
  }

  /** The default engine with the given options. */
  public static RedactionEngine create(Clock clock, RedactionOptions options) {
    return new KeyholeRedactionEngine(clock, options);
  }
}
