package dev.keyhole.aws;

import dev.keyhole.KeyholeException;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.APIErrorType;
import software.amazon.awssdk.services.secretsmanager.model.BatchGetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.BatchGetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretValueEntry;

/**
 * Resolves {@code aws-sm:} references (see {@link SecretsManagerReference} for the grammar) with
 * AWS Secrets Manager's {@code GetSecretValue}, and several at once with {@code
 * BatchGetSecretValue} (at most 20 secrets per call; per-secret {@code Errors} in a 200 answer
 * become per-reference failures).
 *
 * <ul>
 *   <li>{@code SecretString} becomes a text value and {@code SecretBinary} a binary one; a JSON key
 *       in the reference selects one top-level key of a JSON-object secret. An answer with neither
 *       (or an empty one) is a {@link SecretFormatException}, never an empty secret.
 *   <li>Errors are mapped by AWS error code: {@code ResourceNotFoundException} to not found;
 *       {@code AccessDeniedException}, {@code DecryptionFailure} and credential errors to denied;
 *       {@code InvalidParameterException} to an invalid reference; throttling, {@code
 *       InternalServiceError}, 5xx, timeouts, I/O and unreadable answers to the retryable {@link
 *       dev.keyhole.ProviderUnavailableException} (Keyhole retries, and may serve a stale cached
 *       value).
 *   <li>Clients: see {@link AwsClientOptions} (URL-connection HTTP client, default credentials
 *       chain, endpoint override, no SDK retries). One client per region, created when an ARN
 *       names another region.
 *   <li>Batching needs {@code secretsmanager:BatchGetSecretValue} in addition to {@code
 *       GetSecretValue} on each secret; when it is denied the provider falls back to one {@code
 *       GetSecretValue} per secret. References pinned to a stage other than {@code AWSCURRENT} or to
 *       a version id are always fetched one by one.
 * </ul>
 *
 * <p>Security: values go straight from the SDK's response into {@link SecretValue}s; binary
 * buffers are wiped. {@code SecretString} arrives as a {@code String}, which the JVM cannot wipe.
 * Error messages name the reference, the AWS error code and request id, never a value, and never
 * copy text from AWS or the SDK. Thread-safe.
 */
public final class SecretsManagerProvider implements SecretProvider {
  /** The default provider id. */
  public static final String DEFAULT_ID = "aws-secrets-manager";

  /** {@code BatchGetSecretValue} accepts at most this many secret ids per call. */
  public static final int BATCH_LIMIT = 20;

  private static final int MAX_BATCH_PAGES = 10;

  private final String id;
  private final RegionalClients<SecretsManagerClient> clients;
  private final boolean batch;

  private SecretsManagerProvider(Builder b) {
    this.id = b.id;
    this.batch = b.batch;
    this.clients = RegionalClients.of(AwsErrors.Service.SECRETS_MANAGER, b.client, b.options, SecretsManagerClient::builder);
  }

  /** A provider with {@link AwsClientOptions#defaults()}. */
  public static SecretsManagerProvider create() {
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
    return Set.of(SecretsManagerReference.SCHEME);
  }

  @Override
  public void validate(SecretRef ref) {
    SecretsManagerReference.parse(ref);
  }

  @Override
  public ResolvedSecret resolve(SecretRef ref) {
    SecretsManagerReference r = SecretsManagerReference.parse(ref);
    return select(r, fetch(r));
  }

  /**
   * Resolves several references, batching those of the current version with {@code
   * BatchGetSecretValue} per region in calls of at most {@value #BATCH_LIMIT} secrets; references to
   * the same secret with different JSON keys share one fetch. Never throws: every reference maps to
   * its secret or to the typed error resolving it alone would have thrown.
   */
  @Override
  public Map<SecretRef, Result> resolveAll(Collection<SecretRef> refs) {
    Map<SecretRef, Result> out = new LinkedHashMap<>();
    refs.forEach(r -> out.put(r, null));
    // region ("" = default) -> secret id -> references to it
    Map<String, Map<String, List<SecretsManagerReference>>> batches = new LinkedHashMap<>();
    Map<SecretsManagerReference, SecretRef> origin = new HashMap<>();
    for (SecretRef ref : new ArrayList<>(out.keySet())) {
      SecretsManagerReference r;
      try {
        r = SecretsManagerReference.parse(ref);
      } catch (KeyholeException e) {
        out.put(ref, Result.failure(e));
        continue;
      }
      origin.put(r, ref);
      if (batch && r.batchable()) {
        String region = r.region().filter(x -> !x.equals(clients.defaultRegion().id())).orElse("");
        batches.computeIfAbsent(region, k -> new LinkedHashMap<>())
            .computeIfAbsent(r.secretId(), k -> new ArrayList<>()).add(r);
      } else {
        out.put(ref, resolveQuietly(r));
      }
    }
    batches.forEach((region, byId) -> {
      List<String> ids = new ArrayList<>(byId.keySet());
      for (int from = 0; from < ids.size(); from += BATCH_LIMIT) {
        List<String> chunk = ids.subList(from, Math.min(ids.size(), from + BATCH_LIMIT));
        Map<String, Object> fetched = batchFetch(region.isEmpty() ? null : region, chunk, byId);
        for (String secretId : chunk) {
          Object whole = fetched.get(secretId);
          for (SecretsManagerReference r : byId.get(secretId)) {
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

  private Result outcome(SecretsManagerReference r, @Nullable Object whole) {
    try {
      if (whole instanceof ResolvedSecret s) {
        return Result.success(select(r, s.copy()));
      }
      if (whole instanceof KeyholeException e) {
        return Result.failure(e);
      }
      return Result.success(select(r, fetch(r)));
    } catch (KeyholeException e) {
      return Result.failure(e);
    }
  }

  private Result resolveQuietly(SecretsManagerReference r) {
    try {
      return Result.success(select(r, fetch(r)));
    } catch (KeyholeException e) {
      return Result.failure(e);
    }
  }

  /**
   * One {@code BatchGetSecretValue} round (following {@code NextToken}). Maps each secret id to a
   * whole {@link ResolvedSecret} or a {@link KeyholeException}; ids missing from the answer are
   * left out (they are then fetched alone).
   */
  private Map<String, Object> batchFetch(@Nullable String region, List<String> ids,
      Map<String, List<SecretsManagerReference>> byId) {
    Map<String, Object> results = new HashMap<>();
    String what = ids.size() + " secrets fetched together (BatchGetSecretValue)";
    SecretsManagerClient client;
    try {
      client = clients.forRegion(region, what);
    } catch (KeyholeException e) {
      ids.forEach(i -> results.put(i, e));
      return results;
    }
    String token = null;
    int pages = 0;
    do {
      BatchGetSecretValueResponse resp;
      try {
        resp = client.batchGetSecretValue(
            BatchGetSecretValueRequest.builder().secretIdList(ids).nextToken(token).build());
      } catch (SdkException e) {
        KeyholeException k = clients.map(e, what);
        if (!(k instanceof SecretAccessDeniedException) || !results.isEmpty()) {
          // Denied batching is not an answer about the secrets: fall back to GetSecretValue.
          ids.forEach(i -> results.putIfAbsent(i, k));
        }
        return results;
      }
      for (SecretValueEntry e : resp.secretValues()) {
        String secretId = matchEntry(ids, e.arn(), e.name());
        if (secretId == null || results.containsKey(secretId)) {
          continue;
        }
        SecretsManagerReference sample = byId.get(secretId).get(0);
        try {
          results.put(secretId, whole(sample, e.secretString(), e.secretBinary(), e.versionId()));
        } catch (KeyholeException ex) {
          results.put(secretId, ex);
        }
      }
      for (APIErrorType err : resp.errors()) {
        String secretId = matchError(ids, err.secretId());
        if (secretId != null && !results.containsKey(secretId)) {
          results.put(secretId, AwsErrors.fromCode(err.errorCode(), 200, false,
              AwsErrors.Service.SECRETS_MANAGER, subject(byId.get(secretId).get(0)),
              resp.responseMetadata().requestId()));
        }
      }
      token = resp.nextToken();
    } while (token != null && !token.isEmpty() && ++pages < MAX_BATCH_PAGES);
    return results;
  }

  private static @Nullable String matchEntry(List<String> ids, @Nullable String arn,
      @Nullable String name) {
    for (String id : ids) {
      if (id.startsWith("arn:")) {
        if (arn != null && (arn.equals(id)
            || (arn.length() == id.length() + 7 && arn.startsWith(id + "-")))) {
          return id;
        }
      } else if (id.equals(name)) {
        return id;
      }
    }
    return null;
  }

  private static @Nullable String matchError(List<String> ids, @Nullable String secretId) {
    if (secretId == null) {
      return null;
    }
    if (ids.contains(secretId)) {
      return secretId;
    }
    String name = secretId.startsWith("arn:") ? null : secretId;
    return matchEntry(ids, secretId.startsWith("arn:") ? secretId : null, name);
  }

  /** GetSecretValue for the whole secret (no JSON key applied). */
  private ResolvedSecret fetch(SecretsManagerReference r) {
    GetSecretValueRequest.Builder req = GetSecretValueRequest.builder().secretId(r.secretId());
    r.versionStage().ifPresent(req::versionStage);
    r.versionId().ifPresent(req::versionId);
    GetSecretValueResponse resp =
        clients.call(r.region().orElse(null), subject(r), c -> c.getSecretValue(req.build()));
    return whole(r, resp.secretString(), resp.secretBinary(), resp.versionId());
  }

  private static ResolvedSecret whole(SecretsManagerReference r, @Nullable String string,
      @Nullable SdkBytes binary, @Nullable String versionId) {
    SecretValue value;
    if (string != null) {
      if (string.isEmpty()) {
        throw new SecretFormatException("Secrets Manager returned an empty SecretString for "
            + subject(r) + "; store a value in the secret");
      }
      value = SecretValue.ofString(string);
    } else if (binary != null) {
      byte[] bytes = binary.asByteArrayUnsafe();
      try {
        if (bytes.length == 0) {
          throw new SecretFormatException("Secrets Manager returned an empty SecretBinary for "
              + subject(r) + "; store a value in the secret");
        }
        value = SecretValue.ofBytes(bytes);
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    } else {
      throw new SecretFormatException("Secrets Manager answered for " + subject(r) + " with"
          + " neither SecretString nor SecretBinary; the version may hold no value. Store a value,"
          + " or point the reference at a version that has one.");
    }
    return ResolvedSecret.of(value, versionId, null);
  }

  /** Applies the reference's JSON key, if any. Takes ownership of {@code whole}. */
  private static ResolvedSecret select(SecretsManagerReference r, ResolvedSecret whole) {
    return JsonKeys.select(whole, r.jsonKey(), subject(r));
  }

  private static String subject(SecretsManagerReference r) {
    return "secret '" + r + "'";
  }

  /** Closes the clients this provider built (never a caller-owned client or HTTP client). */
  @Override
  public void close() {
    clients.close();
  }

  @Override
  public String toString() {
    return "SecretsManagerProvider[" + id + ", " + clients + "]";
  }

  /** Builds a {@link SecretsManagerProvider}. */
  public static final class Builder {
    private String id = DEFAULT_ID;
    private AwsClientOptions options = AwsClientOptions.defaults();
    private @Nullable SecretsManagerClient client;
    private boolean batch = true;

    private Builder() {}

    /** The provider id (default {@value SecretsManagerProvider#DEFAULT_ID}); distinct ids let two accounts coexist. */
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
     * A caller-owned client for one region, used as is (its own HTTP client, credentials and
     * retries) and never closed by Keyhole. ARNs of other regions then fail with a {@link
     * dev.keyhole.ConfigurationException}.
     */
    public Builder client(SecretsManagerClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Whether {@link SecretsManagerProvider#resolveAll} uses {@code BatchGetSecretValue} (default true). */
    public Builder batchGet(boolean on) {
      this.batch = on;
      return this;
    }

    /**
     * Builds the provider and its default-region client.
     *
     * @throws dev.keyhole.ConfigurationException when no region can be found
     */
    public SecretsManagerProvider build() {
      return new SecretsManagerProvider(this);
    }
  }
}
