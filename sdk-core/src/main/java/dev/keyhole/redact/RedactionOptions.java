package dev.keyhole.redact;

import dev.keyhole.ConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of Keyhole's redaction engine: the minimum value length, whether weak values are
 * registered anyway (with a warning), and the grace period after unregistration.
 *
 * <p>Immutable; build with {@link #builder()} or use {@link #defaults()}.
 *
 * <p>Security: a short or low-entropy value (fewer than 4 distinct characters, under 2 bits of
 * entropy per character, or a run such as {@code 12345678}) would be "found" in ordinary text and
 * rewrite it, and so would an easy-to-guess one (fewer than 10^8 guesses by the dictionary-aware
 * zxcvbn estimate: {@code password}, {@code abcdabcd}, {@code Winter2026!}), which a model could
 * also simply guess; so by default registering one fails with a {@link
 * dev.keyhole.SecretFormatException} that names the handle but never the value. {@link Builder#allowWeakValues(boolean)} registers it
 * anyway and logs a warning; values shorter than {@link #ABSOLUTE_MIN_LENGTH} are always refused.
 */
public final class RedactionOptions {
  /** Default minimum length of a value and of each of its encoded forms. */
  public static final int DEFAULT_MIN_LENGTH = 8;

  /** Values shorter than this are refused even when weak values are allowed. */
  public static final int ABSOLUTE_MIN_LENGTH = 4;

  /** Default time an unregistered value keeps being redacted. */
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(5);

  private static final RedactionOptions DEFAULTS = builder().build();

  private final int minLength;
  private final boolean allowWeakValues;
  private final Duration gracePeriod;

  private RedactionOptions(Builder b) {
    this.minLength = b.minLength;
    this.allowWeakValues = b.allowWeakValues;
    this.gracePeriod = b.gracePeriod;
  }

  /** Minimum length 8, weak values refused, grace period 5 minutes. */
  public static RedactionOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().minLength(minLength).allowWeakValues(allowWeakValues)
        .gracePeriod(gracePeriod);
  }

  /** Values and encoded forms shorter than this are refused or dropped. */
  public int minLength() {
    return minLength;
  }

  /** Whether short or low-entropy values are registered (with a warning) instead of refused. */
  public boolean allowWeakValues() {
    return allowWeakValues;
  }

  /** How long an unregistered value keeps being redacted. */
  public Duration gracePeriod() {
    return gracePeriod;
  }

  @Override
  public String toString() {
    return "RedactionOptions[minLength=" + minLength + ", allowWeakValues=" + allowWeakValues
        + ", gracePeriod=" + gracePeriod + "]";
  }

  /** Builder of {@link RedactionOptions}; validation happens in {@link #build()}. */
  public static final class Builder {
    private int minLength = DEFAULT_MIN_LENGTH;
    private boolean allowWeakValues;
    private Duration gracePeriod = DEFAULT_GRACE_PERIOD;

    private Builder() {}

    /** Minimum length (at least {@link #ABSOLUTE_MIN_LENGTH}); default 8. */
    public Builder minLength(int minLength) {
      this.minLength = minLength;
      return this;
    }

    /** Register short or low-entropy values with a warning instead of refusing them. */
    public Builder allowWeakValues(boolean allow) {
      this.allowWeakValues = allow;
      return this;
    }

    /** Time an unregistered value keeps being redacted (zero or more); default 5 minutes. */
    public Builder gracePeriod(Duration gracePeriod) {
      this.gracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws ConfigurationException if the minimum length is below {@link #ABSOLUTE_MIN_LENGTH}
     *     or the grace period is negative
     */
    public RedactionOptions build() {
      if (minLength < ABSOLUTE_MIN_LENGTH) {
        throw new ConfigurationException("Redaction minLength " + minLength + " is too small;"
            + " use at least " + ABSOLUTE_MIN_LENGTH + " (default " + DEFAULT_MIN_LENGTH + ")");
      }
      if (gracePeriod.isNegative()) {
        throw new ConfigurationException("Redaction gracePeriod " + gracePeriod
            + " is negative; use Duration.ZERO or more");
      }
      return new RedactionOptions(this);
    }
  }
}
