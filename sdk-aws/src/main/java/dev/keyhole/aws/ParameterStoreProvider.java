package dev.keyhole.aws;

import dev.keyhole.KeyholeException;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;

/**
 * Resolves {@code aws-ssm:} references (see {@link ParameterStoreReference} for the grammar) with
 * SSM Parameter Store's {@code GetParameter} (several at once with {@code GetParameters}, at most
 * {@value #BATCH_LIMIT} names per call), always {@code WithDecryption=true} so {@code
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

  /** {@code GetParameters} accepts at most this many names per call. */
  public static final int BATCH_LIMIT = 10;

  private final String id;
  private final RegionalClients<SsmClient> clients;
  private final boolean batch;

  private ParameterStoreProvider(Builder b) {
    this.id = b.id;
    this.batch = b.batch;
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
    String subject = subject(r);
    Parameter p = clients.call(r.region().orElse(null), subject, c -> c.getParameter(
        GetParameterRequest.builder().name(r.requestName()).withDecryption(true).build())
        .parameter());
    return JsonKeys.select(whole(p, subject), r.jsonKey(), subject);
  }

  /**
   * Resolves several references with {@code GetParameters}, at most {@value #BATCH_LIMIT} names per
   * call and per region; references to the same parameter (and selector) with different JSON keys
   * share one fetch. Names in the answer's {@code InvalidParameters} are not found; names the answer
   * does not mention, {@code /aws/reference/secretsmanager/} names and every name when batching is
   * denied ({@code ssm:GetParameters} is a permission of its own) are read one by one with {@code
   * GetParameter}. Never throws: every reference maps to its value or its typed error.
   */
  @Override
  public Map<SecretRef, Result> resolveAll(Collection<SecretRef> refs) {
    Map<SecretRef, Result> out = new LinkedHashMap<>();
    refs.forEach(r -> out.put(r, null));
    // region ("" = default) -> request name -> references to it
    Map<String, Map<String, List<ParameterStoreReference>>> batches = new LinkedHashMap<>();
    Map<ParameterStoreReference, SecretRef> origin = new HashMap<>();
    for (SecretRef ref : new ArrayList<>(out.keySet())) {
      ParameterStoreReference r;
      try {
        r = ParameterStoreReference.parse(ref);
      } catch (KeyholeException e) {
        out.put(ref, Result.failure(e));
        continue;
      }
      origin.put(r, ref);
      if (batch && !r.isSecretsManagerBridge()) {
        String region = r.region().filter(x -> !x.equals(clients.defaultRegion().id())).orElse("");
        batches.computeIfAbsent(region, k -> new LinkedHashMap<>())
            .computeIfAbsent(r.requestName(), k -> new ArrayList<>()).add(r);
      } else {
        out.put(ref, outcome(r, null));
      }
    }
    batches.forEach((region, byName) -> {
      List<String> names = new ArrayList<>(byName.keySet());
      for (int from = 0; from < names.size(); from += BATCH_LIMIT) {
        List<String> chunk = names.subList(from, Math.min(names.size(), from + BATCH_LIMIT));
        Map<String, Object> fetched = batchFetch(region.isEmpty() ? null : region, chunk, byName);
        for (String name : chunk) {
          Object whole = fetched.get(name);
          for (ParameterStoreReference r : byName.get(name)) {
            out.put(origin.get(r), outcome(r, whole));
          }
          if (whole instanceof ResolvedSecret s) {
            s.destroy();
          }
        }
      }
    });
    return out;
  }

  /** The result for {@code r} from a batch answer ({@code null}: fetch it alone). */
  private Result outcome(ParameterStoreReference r, @Nullable Object whole) {
    try {
      if (whole instanceof ResolvedSecret s) {
        return Result.success(JsonKeys.select(s.copy(), r.jsonKey(), subject(r)));
      }
      if (whole instanceof KeyholeException e) {
        return Result.failure(e);
      }
      return Result.success(resolve(SecretRef.parse(r.toString())));
    } catch (KeyholeException e) {
      return Result.failure(e);
    }
  }

  /**
   * One {@code GetParameters} call. Maps request names to a whole {@link ResolvedSecret} or a
   * {@link KeyholeException}; names missing from the answer are left out (fetched alone later).
   */
  private Map<String, Object> batchFetch(@Nullable String region, List<String> names,
      Map<String, List<ParameterStoreReference>> byName) {
    Map<String, Object> results = new HashMap<>();
    String what = names.size() + " parameters fetched together (GetParameters)";
    GetParametersResponse resp;
    try {
      SsmClient client = clients.forRegion(region, what);
      resp = client.getParameters(GetParametersRequest.builder().names(names).withDecryption(true)
          .build());
    } catch (SdkException e) {
      KeyholeException k = clients.map(e, what);
      if (!(k instanceof SecretAccessDeniedException)) {
        // Denied batching says nothing about the parameters: they are then read one by one.
        names.forEach(n -> results.put(n, k));
      }
      return results;
    } catch (KeyholeException e) {
      names.forEach(n -> results.put(n, e));
      return results;
    }
    for (Parameter p : resp.parameters()) {
      String name = match(names, p);
      if (name == null || results.containsKey(name)) {
        continue;
      }
      try {
        results.put(name, whole(p, subject(byName.get(name).get(0))));
      } catch (KeyholeException e) {
        results.put(name, e);
      }
    }
    for (String invalid : resp.invalidParameters()) {
      if (names.contains(invalid) && !results.containsKey(invalid)) {
        results.put(invalid, AwsErrors.fromCode("ParameterNotFound", 200, false,
            AwsErrors.Service.PARAMETER_STORE, subject(byName.get(invalid).get(0)),
            resp.responseMetadata().requestId()));
      }
    }
    return results;
  }

  /** The request name a returned parameter answers: its name or ARN, plus its selector. */
  private static @Nullable String match(List<String> names, Parameter p) {
    String selector = p.selector() == null ? "" : p.selector();
    for (String candidate : new String[] {p.name(), p.arn()}) {
      if (candidate == null) {
        continue;
      }
      for (String c : List.of(candidate + selector, "/" + candidate + selector)) {
        if (names.contains(c)) {
          return c;
        }
      }
    }
    return null;
  }

  private static ResolvedSecret whole(@Nullable Parameter p, String subject) {
    if (p == null || p.value() == null) {
      throw new SecretFormatException("SSM Parameter Store answered for " + subject + " without a"
          + " parameter value; check that the name points at a parameter, not a path");
    }
    if (p.value().isEmpty()) {
      throw new SecretFormatException("SSM Parameter Store returned an empty value for " + subject);
    }
    String version = p.version() == null ? null : Long.toString(p.version());
    return ResolvedSecret.of(SecretValue.ofString(p.value()), version, null);
  }

  private static String subject(ParameterStoreReference r) {
    return "parameter '" + r + "'";
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
    private boolean batch = true;

    private Builder() {}

    /** Whether {@link ParameterStoreProvider#resolveAll} uses {@code GetParameters} (default true). */
    public Builder batchGet(boolean on) {
      this.batch = on;
      return this;
    }

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
