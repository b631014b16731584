package dev.keyhole.testkit;

import dev.keyhole.SecretRef;
import dev.keyhole.providers.InMemoryProvider;
import java.util.List;

class InMemoryProviderContractTest extends SecretProviderContractTest<InMemoryProvider> {
  @Override
  protected InMemoryProvider createProvider() {
    return InMemoryProvider.create();
  }

  @Override
  protected SecretRef seed(String name, String value) {
    provider.put(name, value);
    return SecretRef.parse("memory:" + name);
  }

  @Override
  protected SecretRef missingRef() {
    return SecretRef.parse("memory:does-not-exist");
  }

  @Override
  protected List<String> invalidReferences() {
    return List.of("memory:", "memory:-leading-dash", "memory:has space");
  }

  @Override
  protected boolean supportsVersions() {
    return true;
  }
}
