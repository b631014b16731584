package dev.keyhole.providers;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Serves {@code env:NAME} from environment variables (by default the process environment).
 *
 * <p>Security: environment variables are visible to the whole process and its children; Keyhole's
 * process tool starts children with a minimal environment, but prefer a secret store for production.
 */
public final class EnvProvider implements SecretProvider {
  private final Map<String, String> env;

  private EnvProvider(Map<String, String> env) {
    this.env = env;
  }

  /** Reads the process environment. */
  public static EnvProvider create() {
    return new EnvProvider(System.getenv());
  }

  /** Reads the given map instead of the process environment (tests, embedding). */
  public static EnvProvider of(Map<String, String> environment) {
    return new EnvProvider(Map.copyOf(Objects.requireNonNull(environment, "environment")));
  }

  @Override
  public String id() {
    return "env";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("env");
  }

  @Override
  public void validate(SecretRef ref) {
    if (!ref.scheme().equals("env")) {
      throw new InvalidReferenceException("EnvProvider serves only 'env:' references, not '" + ref + "'");
    }
  }

  @Override
  public ResolvedSecret resolve(SecretRef ref) {
    validate(ref);
    String v = env.get(ref.path());
    if (v == null) {
      throw new SecretNotFoundException("Environment variable '" + ref.path() + "' (reference "
          + ref + ") is not set; export it before starting the application");
    }
    if (v.isEmpty()) {
      throw new SecretFormatException("Environment variable '" + ref.path() + "' (reference " + ref
          + ") is set but empty");
    }
    return ResolvedSecret.of(SecretValue.ofString(v));
  }

  @Override
  public String toString() {
    return "EnvProvider[" + env.size() + " variables]";
  }
}
