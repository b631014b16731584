package dev.keyhole.aws;

import dev.keyhole.ConfigurationException;
import dev.keyhole.KeyholeException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.AwsServiceClientConfiguration;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * One SDK client per region, built from {@link AwsClientOptions} and sharing one HTTP client; or a
 * single caller-owned client. Clients are created lazily for regions named by ARNs.
 */
final class RegionalClients<C extends SdkClient> implements AutoCloseable {
  private final AwsErrors.Service service;
  private final @Nullable Function<Region, C> factory;
  private final @Nullable SdkHttpClient ownedHttp;
  private final C defaultClient;
  private final Region defaultRegion;
  private final boolean callerOwned;
  private final Map<Region, C> others = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Clock clock;

  private RegionalClients(AwsErrors.Service service, @Nullable Function<Region, C> factory,
      @Nullable SdkHttpClient ownedHttp, C defaultClient, boolean callerOwned, Clock clock) {
    this.service = service;
    this.clock = clock;
    this.factory = factory;
    this.ownedHttp = ownedHttp;
    this.defaultClient = defaultClient;
    this.defaultRegion = regionOf(defaultClient);
    this.callerOwned = callerOwned;
  }

  /** Clients built from {@code options}; the default region's client is built now. */
  static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C extends SdkClient>
      RegionalClients<C> create(AwsErrors.Service service, AwsClientOptions options, Supplier<B> builders) {
    SdkHttpClient http = options.httpClient().orElse(null);
    SdkHttpClient owned = null;
    if (http == null) {
      owned = UrlConnectionHttpClient.builder()
          .connectionTimeout(options.connectTimeout())
          .socketTimeout(options.socketTimeout())
          .build();
      http = owned;
    }
    SdkHttpClient shared = http;
    Function<Region, C> factory = region -> configure(builders.get(), options, region, shared);
    try {
      C first = configure(builders.get(), options, options.region().orElse(null), shared);
      return new RegionalClients<>(service, factory, owned, first, false, options.clock());
    } catch (SdkClientException e) {
      if (owned != null) {
        owned.close();
      }
      // The SDK's message here is about configuration (no region found), never about a secret.
      throw new ConfigurationException("Could not build the " + service.label + " client: no AWS region"
          + " is configured (" + e.getClass().getSimpleName() + "). Set it with"
          + " AwsClientOptions.builder().region(...), the AWS_REGION environment variable or the"
          + " profile's 'region'");
    }
  }

  /** The caller's {@code client} if given, else clients built from {@code options}. */
  static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C extends SdkClient>
      RegionalClients<C> of(AwsErrors.Service service, @Nullable C client, AwsClientOptions options,
          Supplier<B> builders) {
    return client != null ? callerOwned(service, client, options.clock())
        : create(service, options, builders);
  }

  /** A single caller-owned client, never closed by Keyhole. */
  static <C extends SdkClient> RegionalClients<C> callerOwned(AwsErrors.Service service, C client,
      Clock clock) {
    return new RegionalClients<>(service, null, null, Objects.requireNonNull(client, "client"), true,
        clock);
  }

  private static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C configure(
      B b, AwsClientOptions o, @Nullable Region region, SdkHttpClient http) {
    ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder();
    if (o.sdkMaxAttempts() <= 1) {
      override.retryStrategy(AwsRetryStrategy.doNotRetry());
    } else {
      override.retryStrategy(r -> r.maxAttempts(o.sdkMaxAttempts()));
    }
    o.apiCallTimeout().ifPresent(override::apiCallTimeout);
    b.httpClient(http).overrideConfiguration(override.build());
    if (region != null) {
      b.region(region);
    }
    o.endpointOverride().ifPresent(b::endpointOverride);
    o.credentialsProvider().ifPresent(b::credentialsProvider);
    return b.build();
  }

  private static Region regionOf(SdkClient client) {
    if (client.serviceClientConfiguration() instanceof AwsServiceClientConfiguration c
        && c.region() != null) {
      return c.region();
    }
    return Region.AWS_GLOBAL;
  }

  /** Maps an SDK failure of this service, reading Retry-After dates on the options' clock. */
  KeyholeException map(SdkException e, String what) {
    return AwsErrors.map(e, service, what, clock);
  }

  Region defaultRegion() {
    return defaultRegion;
  }

  C defaultClient() {
    return defaultClient;
  }

  /**
   * The client for {@code regionId} (null: the default region).
   *
   * @throws ConfigurationException when a caller-owned client cannot serve another region
   * @param what the reference, for the error message
   */
  C forRegion(@Nullable String regionId, String what) {
    if (regionId == null || regionId.equals(defaultRegion.id())) {
      return defaultClient;
    }
    if (callerOwned || factory == null) {
      throw new ConfigurationException(what + " names region '" + regionId + "', but the "
          + service.label + " provider was given one client for region '" + defaultRegion.id()
          + "'. Build the provider from AwsClientOptions instead (it creates a client per region),"
          + " or refer to the secret from its own region");
    }
    return others.computeIfAbsent(Region.of(regionId), factory);
  }

  /**
   * Runs {@code call} on the client for {@code regionId} (null: the default region), mapping an SDK
   * failure to Keyhole's typed error for this service.
   *
   * @param what the reference or request, for error messages
   * @throws dev.keyhole.KeyholeException as mapped by {@link AwsErrors#map}, or a {@link
   *     ConfigurationException} from {@link #forRegion}
   */
  <R> R call(@Nullable String regionId, String what, Function<C, R> call) {
    try {
      return call.apply(forRegion(regionId, what));
    } catch (SdkException e) {
      throw AwsErrors.map(e, service, what, clock);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (!callerOwned) {
      others.values().forEach(SdkClient::close);
      others.clear();
      defaultClient.close();
    }
    if (ownedHttp != null) {
      ownedHttp.close();
    }
  }

  @Override
  public String toString() {
    return service.label + " clients[default=" + defaultRegion.id() + ", others=" + others.keySet() + "]";
  }
}
