package dev.keyhole.testkit;

import dev.keyhole.SecretRef;
import java.util.List;
import java.util.Optional;

class FaultInjectingProviderContractTest extends SecretProviderContractTest<FaultInjectingProvider> {
  @Override
  protected FaultInjectingProvider createProvider() {
    return FaultInjectingProvider.create();
  }

  @Override
  protected SecretRef seed(String name, String value) {
    return provider.put(name, value);
  }

  @Override
  protected SecretRef missingRef() {
    return SecretRef.parse("fake:missing");
  }

  @Override
  protected List<String> invalidReferences() {
    return List.of("fake:");
  }

  @Override
  protected Optional<SecretRef> unavailableRef() {
    SecretRef ref = provider.put("flaky", LeakAssertions.randomSecret());
    provider.throttleNext(1);
    return Optional.of(ref);
  }

  @Override
  protected boolean supportsVersions() {
    return true;
  }
}
