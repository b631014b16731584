package dev.keyhole.aws;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * How Keyhole's AWS adapters build their SDK clients: region, endpoint, the credentials Keyhole
 * itself uses, the HTTP client, timeouts and SDK-level retries. Immutable; build with {@link
 * #builder()} or take {@link #defaults()}.
 *
 * <ul>
 *   <li><b>Region</b>: default from the SDK's region chain ({@code AWS_REGION}, profile, instance
 *       metadata). Secrets Manager and SSM ARNs carry their own region, which wins.
 *   <li><b>Credentials</b>: default from the SDK's default credentials chain (environment, profile,
 *       web identity, container and instance roles).
 *   <li><b>HTTP client</b>: default is the SDK's URL-connection client, created and closed by the
 *       adapter, with a {@value #DEFAULT_CONNECT_TIMEOUT_MILLIS} ms connect and {@value
 *       #DEFAULT_SOCKET_TIMEOUT_MILLIS} ms read timeout; the Apache and Netty clients are excluded
 *       from Keyhole's dependencies. A client given with {@link Builder#httpClient} is shared and
 *       never closed by Keyhole.
 *   <li><b>Endpoint override</b>: for VPC interface endpoints, FIPS endpoints and tests.
 *   <li><b>SDK retries</b>: off by default ({@code sdkMaxAttempts = 1}), because Keyhole already
 *       retries every provider and issuer call with backoff and a circuit breaker ({@link
 *       dev.keyhole.ResilienceSettings}); SDK retries on top would multiply the attempts.
 * </ul>
 *
 * <p>Security: holds no secret. The credentials provider is Keyhole's own identity towards AWS (the
 * one that reads secrets and assumes roles), never a task's credential.
 */
public final class AwsClientOptions {
  static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 2_000;
  static final long DEFAULT_SOCKET_TIMEOUT_MILLIS = 5_000;

  private final @Nullable Region region;
  private final @Nullable URI endpointOverride;
  private final @Nullable AwsCredentialsProvider credentialsProvider;
  private final @Nullable SdkHttpClient httpClient;
  private final Duration connectTimeout;
  private final Duration socketTimeout;
  private final int sdkMaxAttempts;
  private final @Nullable Duration apiCallTimeout;
  private final Clock clock;

  private AwsClientOptions(Builder b) {
    this.region = b.region;
    this.endpointOverride = b.endpointOverride;
    this.credentialsProvider = b.credentialsProvider;
    this.httpClient = b.httpClient;
    this.connectTimeout = b.connectTimeout;
    this.socketTimeout = b.socketTimeout;
    this.sdkMaxAttempts = b.sdkMaxAttempts;
    this.apiCallTimeout = b.apiCallTimeout;
    this.clock = b.clock;
  }

  /** Default chains for region and credentials, URL-connection client, no SDK retries. */
  public static AwsClientOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.region = region;
    b.endpointOverride = endpointOverride;
    b.credentialsProvider = credentialsProvider;
    b.httpClient = httpClient;
    b.connectTimeout = connectTimeout;
    b.socketTimeout = socketTimeout;
    b.sdkMaxAttempts = sdkMaxAttempts;
    b.apiCallTimeout = apiCallTimeout;
    b.clock = clock;
    return b;
  }

  /** The clock that turns an HTTP-date {@code Retry-After} into a delay. */
  public Clock clock() {
    return clock;
  }

  /** The region, unless left to the SDK's region chain. */
  public Optional<Region> region() {
    return Optional.ofNullable(region);
  }

  public Optional<URI> endpointOverride() {
    return Optional.ofNullable(endpointOverride);
  }

  /** Keyhole's own AWS credentials, unless left to the SDK's default chain. */
  public Optional<AwsCredentialsProvider> credentialsProvider() {
    return Optional.ofNullable(credentialsProvider);
  }

  /** A caller-owned HTTP client, unless the adapter creates (and closes) its own. */
  public Optional<SdkHttpClient> httpClient() {
    return Optional.ofNullable(httpClient);
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration socketTimeout() {
    return socketTimeout;
  }

  /** SDK-level attempts per call (1 = the SDK does not retry; Keyhole does). */
  public int sdkMaxAttempts() {
    return sdkMaxAttempts;
  }

  /** The SDK's overall time limit per call, if set. */
  public Optional<Duration> apiCallTimeout() {
    return Optional.ofNullable(apiCallTimeout);
  }

  @Override
  public String toString() {
    return "AwsClientOptions[region=" + (region == null ? "<default chain>" : region.id())
        + (endpointOverride == null ? "" : ", endpoint=" + endpointOverride)
        + ", credentials=" + (credentialsProvider == null ? "<default chain>"
            : credentialsProvider.getClass().getSimpleName())
        + ", httpClient=" + (httpClient == null ? "url-connection" : "caller-owned")
        + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout
        + ", sdkMaxAttempts=" + sdkMaxAttempts + "]";
  }

  /** Builds {@link AwsClientOptions}. */
  public static final class Builder {
    private @Nullable Region region;
    private @Nullable URI endpointOverride;
    private @Nullable AwsCredentialsProvider credentialsProvider;
    private @Nullable SdkHttpClient httpClient;
    private Duration connectTimeout = Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MILLIS);
    private Duration socketTimeout = Duration.ofMillis(DEFAULT_SOCKET_TIMEOUT_MILLIS);
    private int sdkMaxAttempts = 1;
    private @Nullable Duration apiCallTimeout;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder region(@Nullable Region region) {
      this.region = region;
      return this;
    }

    /** By id, e.g. {@code eu-west-1}. */
    public Builder region(String regionId) {
      return region(Region.of(Objects.requireNonNull(regionId, "regionId")));
    }

    /**
     * Sends every request to {@code endpoint} (scheme, host and port), e.g. a VPC interface endpoint
     * {@code https://vpce-0abc-secretsmanager.eu-west-1.vpce.amazonaws.com} or a test server.
     */
    public Builder endpointOverride(@Nullable URI endpoint) {
      if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null)) {
        throw new IllegalArgumentException("endpointOverride '" + endpoint + "' must be an absolute"
            + " URL with scheme and host, e.g. https://secretsmanager.eu-west-1.amazonaws.com");
      }
      this.endpointOverride = endpoint;
      return this;
    }

    /** Keyhole's own credentials (default: the SDK's default credentials chain). */
    public Builder credentialsProvider(@Nullable AwsCredentialsProvider provider) {
      this.credentialsProvider = provider;
      return this;
    }

    /**
     * A caller-owned HTTP client (URL-connection or Apache 5), shared by every client the adapter
     * builds and never closed by Keyhole. The connect and socket timeouts here are then ignored.
     */
    public Builder httpClient(@Nullable SdkHttpClient client) {
      this.httpClient = client;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Read timeout of the default HTTP client. */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = positive(timeout, "socketTimeout");
      return this;
    }

    /**
     * SDK-level attempts per call, 1 to 10 (default 1: Keyhole's own retry is the only one). Raise
     * it only if Keyhole's retry is turned off with {@code ResilienceSettings.withMaxAttempts(1)}.
     */
    public Builder sdkMaxAttempts(int attempts) {
      if (attempts < 1 || attempts > 10) {
        throw new IllegalArgumentException("sdkMaxAttempts must be between 1 and 10, was " + attempts);
      }
      this.sdkMaxAttempts = attempts;
      return this;
    }

    /** The SDK's overall time limit per call (default: none; Keyhole's time limit applies). */
    public Builder apiCallTimeout(@Nullable Duration timeout) {
      this.apiCallTimeout = timeout == null ? null : positive(timeout, "apiCallTimeout");
      return this;
    }

    /** The clock for {@code Retry-After} dates in throttling answers (use Keyhole's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public AwsClientOptions build() {
      return new AwsClientOptions(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }
  }
}
