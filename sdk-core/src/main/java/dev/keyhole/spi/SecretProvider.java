package dev.keyhole.spi;

import dev.keyhole.KeyholeException;
import dev.keyhole.SecretRef;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Resolves {@link SecretRef}s of the schemes it serves to values. Implementations are small,
 * thread-safe and stateless apart from their clients; Keyhole adds caching, single-flight, retry, a
 * circuit breaker and a time limit around every call.
 *
 * <p>Error contract (checked by {@code SecretProviderContractTest} in keyhole-testkit):
 *
 * <ul>
 *   <li>missing secret, key or field: {@link dev.keyhole.SecretNotFoundException};
 *   <li>the store refused Keyhole's credentials: {@link dev.keyhole.SecretAccessDeniedException};
 *   <li>throttling, 5xx, timeouts, I/O: {@link dev.keyhole.ProviderUnavailableException}
 *       (retryable);
 *   <li>malformed reference: {@link dev.keyhole.InvalidReferenceException};
 *   <li>a value of the wrong shape: {@link dev.keyhole.SecretFormatException}.
 * </ul>
 *
 * No message, cause or {@code toString} may contain a value.
 *
 * <p>Registration is explicit ({@code Keyhole.builder().provider(p)}); {@code ServiceLoader}
 * discovery is opt-in.
 */
public interface SecretProvider extends AutoCloseable {
  /** A unique id, e.g. {@code env}, {@code aws-secrets-manager}, {@code 1password-connect}. */
  String id();

  /** The reference schemes this provider serves, e.g. {@code env} or {@code aws-sm}. */
  Set<String> schemes();

  /**
   * Checks a reference's syntax without any I/O. The default accepts every reference of a served
   * scheme; adapters override it to reject malformed references when a policy is built.
   */
  default void validate(SecretRef ref) {}

  /**
   * Resolves one reference. The returned value is owned by the caller.
   *
   * @throws KeyholeException of the types listed above
   */
  ResolvedSecret resolve(SecretRef ref);

  /**
   * Resolves several references at once (for stores with a batch API). Each entry maps a reference
   * to its secret, or to the exception that resolving it would have thrown. The default calls
   * {@link #resolve} in turn.
   */
  default Map<SecretRef, Result> resolveAll(Collection<SecretRef> refs) {
    Map<SecretRef, Result> out = new LinkedHashMap<>();
    for (SecretRef ref : refs) {
      try {
        out.put(ref, Result.success(resolve(ref)));
      } catch (KeyholeException e) {
        out.put(ref, Result.failure(e));
      }
    }
    return out;
  }

  /** Releases clients and threads. The default does nothing. */
  @Override
  default void close() {}

  /** One reference's outcome in {@link #resolveAll}. */
  final class Result {
    private final ResolvedSecret secret;
    private final KeyholeException error;

    private Result(ResolvedSecret secret, KeyholeException error) {
      this.secret = secret;
      this.error = error;
    }

    public static Result success(ResolvedSecret secret) {
      return new Result(java.util.Objects.requireNonNull(secret), null);
    }

    public static Result failure(KeyholeException error) {
      return new Result(null, java.util.Objects.requireNonNull(error));
    }

    /** The secret, or throws the failure. */
    public ResolvedSecret getOrThrow() {
      if (error != null) {
        throw error;
      }
      return secret;
    }

    public boolean isSuccess() {
      return error == null;
    }

    @Override
    public String toString() {
      return error == null ? "Result[success]" : "Result[failure " + error.getClass().getSimpleName() + "]";
    }
  }
}
