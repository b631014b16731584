package dev.keyhole.testkit;

import dev.keyhole.SecretRef;
import dev.keyhole.providers.EnvProvider;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

class EnvProviderContractTest extends SecretProviderContractTest<EnvProvider> {
  private final Map<String, String> env = new ConcurrentHashMap<>();

  @Override
  protected EnvProvider createProvider() {
    // EnvProvider.of copies the map, so seeding recreates the provider over the new map.
    return EnvProvider.of(env);
  }

  @Override
  protected SecretRef seed(String name, String value) {
    String var = name.toUpperCase(Locale.ROOT).replace('-', '_');
    env.put(var, value);
    provider = EnvProvider.of(env);
    return SecretRef.parse("env:" + var);
  }

  @Override
  protected SecretRef missingRef() {
    return SecretRef.parse("env:KEYHOLE_CONTRACT_MISSING");
  }

  @Override
  protected List<String> invalidReferences() {
    return List.of("env:", "env:1STARTS_WITH_DIGIT", "env:HAS-DASH", "env:has space");
  }
}
