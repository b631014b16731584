package dev.keyhole.springboot;

import dev.keyhole.onepassword.ConnectHealth;
import dev.keyhole.onepassword.OnePasswordConnectProvider;
import dev.keyhole.spi.SecretProvider;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;

/** 1Password Connect's own readiness ({@code /heartbeat}, {@code /health}); loaded only when present. */
final class OnePasswordProbe {
  private OnePasswordProbe() {}

  static boolean handles(SecretProvider p) {
    return p instanceof OnePasswordConnectProvider;
  }

  static Supplier<Health.Builder> of(SecretProvider p) {
    OnePasswordConnectProvider connect = (OnePasswordConnectProvider) p;
    return () -> {
      ConnectHealth h = connect.health();
      Health.Builder b = h.ready() ? Health.up() : Health.down();
      h.name().ifPresent(n -> b.withDetail("name", n));
      h.version().ifPresent(v -> b.withDetail("version", v));
      return b.withDetail("dependencies", h.dependencies());
    };
  }
}
