package dev.keyhole;

import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.util.Set;

/** Registered in META-INF/services for the opt-in discovery test; serves {@code discovered:NAME}. */
public final class DiscoverableTestProvider implements SecretProvider {
  static final String VALUE = "discovered-" + TestSupport.randomSecret();

  @Override
  public String id() {
    return "discovered";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("discovered");
  }

  @Override
  public ResolvedSecret resolve(SecretRef ref) {
    return ResolvedSecret.of(SecretValue.ofString(VALUE));
  }
}
