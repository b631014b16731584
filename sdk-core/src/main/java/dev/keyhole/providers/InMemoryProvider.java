package dev.keyhole.providers;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Serves {@code memory:NAME} from values put into it in code: for samples, tests and secrets the
 * application itself generates. Each {@link #put} bumps the secret's version. Thread-safe.
 * {@link #close()} wipes every value.
 */
public final class InMemoryProvider implements SecretProvider {
  private record Stored(SecretValue value, int version, @Nullable Instant expiresAt) {}

  private final String id;
  private final Map<String, Stored> secrets = new ConcurrentHashMap<>();

  private InMemoryProvider(String id) {
    this.id = id;
  }

  public static InMemoryProvider create() {
    return new InMemoryProvider("memory");
  }

  /** Stores a copy of {@code value} under {@code name} (replacing and wiping any previous one). */
  public InMemoryProvider put(String name, SecretValue value) {
    return put(name, value, null);
  }

  /** Stores a copy that the provider reports as expiring at {@code expiresAt}. */
  public InMemoryProvider put(String name, SecretValue value, @Nullable Instant expiresAt) {
    SecretRef.parse("memory:" + name); // validates the name
    SecretValue copy = Objects.requireNonNull(value, "value").copy();
    secrets.compute(name, (k, old) -> {
      if (old != null) {
        old.value.destroy();
      }
      return new Stored(copy, old == null ? 1 : old.version + 1, expiresAt);
    });
    return this;
  }

  /** Convenience for generated (non-production) values. */
  public InMemoryProvider put(String name, String value) {
    try (SecretValue v = SecretValue.ofString(value)) {
      return put(name, v);
    }
  }

  /** Removes and wipes a secret. */
  public void remove(String name) {
    Stored old = secrets.remove(name);
    if (old != null) {
      old.value.destroy();
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> schemes() {
    return Set.of("memory");
  }

  @Override
  public void validate(SecretRef ref) {
    if (!ref.scheme().equals("memory")) {
      throw new InvalidReferenceException("InMemoryProvider serves only 'memory:' references, not '" + ref + "'");
    }
  }

  @Override
  public ResolvedSecret resolve(SecretRef ref) {
    validate(ref);
    Stored s = secrets.get(ref.path());
    if (s == null) {
      throw new SecretNotFoundException("No in-memory secret named '" + ref.path() + "' (reference "
          + ref + "); put it with InMemoryProvider.put before resolving");
    }
    return ResolvedSecret.of(s.value.copy(), Integer.toString(s.version), s.expiresAt);
  }

  @Override
  public void close() {
    secrets.values().forEach(s -> s.value.destroy());
    secrets.clear();
  }

  @Override
  public String toString() {
    return "InMemoryProvider[" + secrets.size() + " secrets]";
  }
}
