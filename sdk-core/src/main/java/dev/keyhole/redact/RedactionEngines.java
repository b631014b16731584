package dev.keyhole.redact;

import dev.keyhole.internal.redact.DefaultRedactionEngines;
import dev.keyhole.spi.RedactionEngine;
import java.time.Clock;
import java.util.Objects;

/**
 * Factory for Keyhole's own redaction engine, for use with {@code
 * Keyhole.builder().redactionEngine(...)} when the defaults do not fit, or on its own.
 *
 * <p>Security: see {@link RedactionEngine}; the engine never exposes the values it holds.
 */
public final class RedactionEngines {
  private RedactionEngines() {}

  /**
   * A new engine with the given options.
   *
   * @param clock time source for grace periods
   * @param options minimum length, weak-value handling, grace period
   */
  public static RedactionEngine create(Clock clock, RedactionOptions options) {
    return DefaultRedactionEngines.create(
        Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(options, "options"));
  }
}
