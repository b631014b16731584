package dev.keyhole.aws;

import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.Parameter;

/**
 * Resolves {@code aws-ssm:} references (see {@link ParameterStoreReference} for the grammar) with
 * SSM Parameter Store's {@code GetParameter}, always {@code WithDecryption=true} so {@code
 * SecureString} parameters arrive in plaintext; also reads Secrets Manager secrets through the
 * {@code /aws/reference/secretsmanager/} bridge.
 *
 * <ul>
 *   <li>The resolved version is the parameter's {@code Version}. A 200 answer without a parameter
 *       value is a {@link SecretFormatException}. {@code StringList} values are returned as stored
 *       (comma-separated).
 *   <li>Errors are mapped by AWS error code: {@code ParameterNotFound} and {@code
 *       ParameterVersionNotFound} to not found; {@code AccessDeniedException}, {@code InvalidKeyId}
 *       and credential errors to denied; {@code ValidationException} to an invalid reference;
 *       throttling, {@code InternalServerError}, 5xx, timeouts and unreadable answers to the
 *       retryable {@link dev.keyhole.ProviderUnavailableException}.
 *   <li>Clients: see {@link AwsClientOptions}.
 * </ul>
 *
 * <p>Security: error messages name the reference, the AWS error code and request id, never a
 * value. The SDK delivers {@code Value} as a {@code String}, which the JVM cannot wipe. Thread-safe.
 */
public final class ParameterStoreProvider implements SecretProvider {
  /** The default provider id. */
  public static final String DEFAULT_ID = "aws-ssm";

  private final String id;
  private final RegionalClients<SsmClient> clients;

  private ParameterStoreProvider(Builder b) {
    this.id = b.id;
    this.clients = RegionalClients.of(AwsErrors.Service.PARAMETER_STORE, b.client, b.options, SsmClient::builder);
  }

  /** A provider with {@link AwsClientOptions#defaults()}. */
  public static ParameterStoreProvider create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> schemes() {
    return Set.of(ParameterStoreReference.SCHEME);
  }

  @Override
  public void validate(SecretRef ref) {
    ParameterStoreReference.parse(ref);
  }

  @Override
  public ResolvedSecret resolve(SecretRef ref) {
    ParameterStoreReference r = ParameterStoreReference.parse(ref);
    String subject = "parameter '" + r + "'";
    Parameter p = clients.call(r.region().orElse(null), subject, c -> c.getParameter(
        GetParameterRequest.builder().name(r.requestName()).withDecryption(true).build())
        .parameter());
    if (p == null || p.value() == null) {
      throw new SecretFormatException("SSM Parameter Store answered for " + subject + " without a"
          + " parameter value; check that the name points at a parameter, not a path");
    }
    if (p.value().isEmpty()) {
      throw new SecretFormatException("SSM Parameter Store returned an empty value for " + subject);
    }
    String version = p.version() == null ? null : Long.toString(p.version());
    return JsonKeys.select(ResolvedSecret.of(SecretValue.ofString(p.value()), version, null),
        r.jsonKey(), subject);
  }

  /** Closes the clients this provider built (never a caller-owned client or HTTP client). */
  @Override
  public void close() {
    clients.close();
  }

  @Override
  public String toString() {
    return "ParameterStoreProvider[" + id + ", " + clients + "]";
  }

  /** Builds a {@link ParameterStoreProvider}. */
  public static final class Builder {
    private String id = DEFAULT_ID;
    private AwsClientOptions options = AwsClientOptions.defaults();
    private @Nullable SsmClient client;

    private Builder() {}

    /** The provider id (default {@value ParameterStoreProvider#DEFAULT_ID}). */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /** How to build the SDK clients (ignored when {@link #client} is given). */
    public Builder options(AwsClientOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * A caller-owned client for one region, used as is and never closed by Keyhole. ARNs of other
     * regions then fail with a {@link dev.keyhole.ConfigurationException}.
     */
    public Builder client(SsmClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Builds the provider and its default-region client.
     *
     * @throws dev.keyhole.ConfigurationException when no region can be found
     */
    public ParameterStoreProvider build() {
      return new ParameterStoreProvider(this);
    }
  }
}
