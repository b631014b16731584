package dev.keyhole.spi;

import dev.keyhole.SecretValue;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A provider's answer: the value, its version (if the store has versions) and when it stops being
 * valid (if the store says). Owns the value: {@link #destroy()} wipes it. {@code toString} prints
 * version and expiry only.
 */
public final class ResolvedSecret {
  private final SecretValue value;
  private final @Nullable String version;
  private final @Nullable Instant expiresAt;

  private ResolvedSecret(SecretValue value, @Nullable String version, @Nullable Instant expiresAt) {
    this.value = Objects.requireNonNull(value, "value");
    this.version = version;
    this.expiresAt = expiresAt;
  }

  /** A value with no version and no expiry. */
  public static ResolvedSecret of(SecretValue value) {
    return new ResolvedSecret(value, null, null);
  }

  /** A value with an optional version and expiry. */
  public static ResolvedSecret of(
      SecretValue value, @Nullable String version, @Nullable Instant expiresAt) {
    return new ResolvedSecret(value, version, expiresAt);
  }

  public SecretValue value() {
    return value;
  }

  public Optional<String> version() {
    return Optional.ofNullable(version);
  }

  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  /** A copy owning an independent copy of the value. */
  public ResolvedSecret copy() {
    return new ResolvedSecret(value.copy(), version, expiresAt);
  }

  /** Wipes the value. */
  public void destroy() {
    value.destroy();
  }

  @Override
  public String toString() {
    return "ResolvedSecret[version=" + version + ", expiresAt=" + expiresAt + "]";
  }
}
