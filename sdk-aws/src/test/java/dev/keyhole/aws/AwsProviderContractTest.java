package dev.keyhole.aws;

import dev.keyhole.SecretRef;
import dev.keyhole.spi.SecretProvider;
import dev.keyhole.testkit.SecretProviderContractTest;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The provider contract kit for an AWS secret provider, run against its JSON 1.1 API served by
 * WireMock. A subclass registers its own {@link AwsTestServer} and says how a name is stored in the
 * fake and how it reads as a reference; the fake denies and throttles by name.
 */
abstract class AwsProviderContractTest<P extends SecretProvider> extends SecretProviderContractTest<P> {
  private final AwsTestServer server;
  private final String refPrefix;
  private final String namePrefix;
  private final Function<AwsClientOptions, P> factory;
  private final BiConsumer<String, String> store;

  /**
   * @param refPrefix what a name follows in a reference, e.g. {@code aws-sm:contract/}
   * @param namePrefix what a name follows in the fake, e.g. {@code contract/}
   * @param store stores a value under a (prefixed) name in the fake
   */
  AwsProviderContractTest(AwsTestServer server, String refPrefix, String namePrefix,
      Function<AwsClientOptions, P> factory, BiConsumer<String, String> store) {
    this.server = server;
    this.refPrefix = refPrefix;
    this.namePrefix = namePrefix;
    this.factory = factory;
    this.store = store;
  }

  @Override
  protected P createProvider() {
    return factory.apply(server.options().build());
  }

  @Override
  protected SecretRef seed(String name, String value) {
    store.accept(namePrefix + name, value);
    return SecretRef.parse(refPrefix + name);
  }

  @Override
  protected SecretRef missingRef() {
    return SecretRef.parse(refPrefix + "does-not-exist");
  }

  @Override
  protected Optional<SecretRef> deniedRef() {
    server.fake.deny(namePrefix + "denied");
    return Optional.of(SecretRef.parse(refPrefix + "denied"));
  }

  @Override
  protected Optional<SecretRef> unavailableRef() {
    server.fake.throttle(namePrefix + "throttled");
    return Optional.of(SecretRef.parse(refPrefix + "throttled"));
  }

  @Override
  protected boolean supportsVersions() {
    return true;
  }
}
