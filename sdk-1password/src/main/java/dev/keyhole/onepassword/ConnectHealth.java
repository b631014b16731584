package dev.keyhole.onepassword;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A 1Password Connect server's readiness, from {@code /heartbeat} and {@code /health}: the server's
 * name and version and the state of each dependency it reports ({@code sqlite}, {@code sync}, ...).
 * {@link #ready()} is true when the heartbeat answered and every dependency is {@code ACTIVE}.
 * Contains no secret.
 */
public final class ConnectHealth {
  private final @Nullable String name;
  private final @Nullable String version;
  private final Map<String, String> dependencies;

  ConnectHealth(@Nullable String name, @Nullable String version, Map<String, String> dependencies) {
    this.name = name;
    this.version = version;
    this.dependencies = Collections.unmodifiableMap(new LinkedHashMap<>(dependencies));
  }

  /** The server's name, e.g. {@code 1Password Connect API}. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** The server's version. */
  public Optional<String> version() {
    return Optional.ofNullable(version);
  }

  /** Dependency service to its status, e.g. {@code sync -> ACTIVE}. */
  public Map<String, String> dependencies() {
    return dependencies;
  }

  /** Whether every reported dependency is {@code ACTIVE}. */
  public boolean ready() {
    return dependencies.values().stream().allMatch(s -> s.equalsIgnoreCase("ACTIVE"));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ConnectHealth h && Objects.equals(h.name, name)
        && Objects.equals(h.version, version) && h.dependencies.equals(dependencies);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, dependencies);
  }

  @Override
  public String toString() {
    return "ConnectHealth[" + name + " " + version + ", ready=" + ready() + ", " + dependencies + "]";
  }
}
