package dev.keyhole.springboot;

import dev.keyhole.spi.SecretProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of one secret provider: its id and schemes, plus a probe where the store has one
 * (1Password Connect's {@code /health}, an AWS endpoint answering at all). Details never include a
 * value, a token or a reference; a failed probe reports the exception's type only.
 */
final class ProviderHealth implements HealthIndicator {
  private final SecretProvider provider;
  private final @Nullable Supplier<Health.Builder> probe;

  ProviderHealth(SecretProvider provider, @Nullable Supplier<Health.Builder> probe) {
    this.provider = provider;
    this.probe = probe;
  }

  @Override
  public Health health() {
    Health.Builder b;
    try {
      b = probe == null ? Health.up() : probe.get();
    } catch (RuntimeException e) {
      b = Health.down().withDetail("error", e.getClass().getSimpleName());
    }
    return b.withDetail("provider", provider.id()).withDetail("schemes", provider.schemes()).build();
  }

  /** A probe that is UP when {@code endpoint} answers HTTP at all (any status). */
  static Supplier<Health.Builder> reachable(URI endpoint) {
    return () -> {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      try {
        int status = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
        return Health.up().withDetail("endpoint", endpoint.getHost()).withDetail("status", status);
      } catch (java.io.IOException e) {
        return Health.down().withDetail("endpoint", endpoint.getHost()).withDetail("error", e.getClass().getSimpleName());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Health.unknown();
      }
    };
  }
}
