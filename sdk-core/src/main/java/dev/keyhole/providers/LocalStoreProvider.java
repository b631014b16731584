package dev.keyhole.providers;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.SecretRef;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Serves {@code keyhole-local:ITEM#KEY}: key {@code KEY} of the owner-only {@code ITEM.env} file in
 * Keyhole's local store, {@code $KEYHOLE_HOME/local-store} (else {@code
 * $XDG_CONFIG_HOME/keyhole/local-store}, else {@code ~/.config/keyhole/local-store}). {@code keyhole
 * migrate --to local} writes there and leaves such references, which name no machine path, so a
 * repository can commit them and each machine keeps its own values.
 *
 * <p>Security: the store is outside every repository, so agents working in one do not read it.
 */
public final class LocalStoreProvider implements SecretProvider {
  /** The reference scheme, {@code keyhole-local}. */
  public static final String SCHEME = "keyhole-local";

  private static final Pattern ITEM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final Path dir;
  private final DotenvProvider files;

  private LocalStoreProvider(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
    this.files = DotenvProvider.withBaseDir(this.dir);
  }

  /** The local store of the process environment's Keyhole home. */
  public static LocalStoreProvider create() {
    return create(System.getenv());
  }

  /** The local store of the Keyhole home named by {@code env} (see the class comment). */
  public static LocalStoreProvider create(Map<String, String> env) {
    return withDirectory(home(env).resolve("local-store"));
  }

  /** A store in {@code dir} (tests, or a store moved elsewhere). */
  public static LocalStoreProvider withDirectory(Path dir) {
    return new LocalStoreProvider(Objects.requireNonNull(dir, "dir"));
  }

  /** Keyhole's home: {@code $KEYHOLE_HOME}, else {@code $XDG_CONFIG_HOME/keyhole}, else {@code ~/.config/keyhole}. */
  public static Path home(Map<String, String> env) {
    if (env.get("KEYHOLE_HOME") != null && !env.get("KEYHOLE_HOME").isBlank()) {
      return Path.of(env.get("KEYHOLE_HOME"));
    }
    if (env.get("XDG_CONFIG_HOME") != null && !env.get("XDG_CONFIG_HOME").isBlank()) {
      return Path.of(env.get("XDG_CONFIG_HOME")).resolve("keyhole");
    }
    String home = env.get("HOME") != null ? env.get("HOME") : System.getProperty("user.home");
    return Path.of(home).resolve(".config").resolve("keyhole");
  }

  /** The store directory. */
  public Path directory() {
    return dir;
  }

  @Override
  public String id() {
    return SCHEME;
  }

  @Override
  public Set<String> schemes() {
    return Set.of(SCHEME);
  }

  @Override
  public void validate(SecretRef ref) {
    item(ref);
  }

  private static String[] item(SecretRef ref) {
    if (!ref.scheme().equals(SCHEME)) {
      throw new InvalidReferenceException("LocalStoreProvider serves only '" + SCHEME
          + ":' references, not '" + ref + "'");
    }
    int hash = ref.path().indexOf('#');
    String item = hash < 0 ? ref.path() : ref.path().substring(0, hash);
    String key = hash < 0 ? "" : ref.path().substring(hash + 1);
    if (!ITEM.matcher(item).matches() || key.isEmpty()) {
      throw new InvalidReferenceException("'" + ref + "' is not a local store reference; expected '"
          + SCHEME + ":ITEM#KEY' with ITEM made of letters, digits, '.', '_' and '-', e.g. '"
          + SCHEME + ":app-env#GITHUB_TOKEN'");
    }
    return new String[] {item, key};
  }

  @Override
  public ResolvedSecret resolve(SecretRef ref) {
    String[] parts = item(ref);
    return files.resolve(SecretRef.parse("dotenv:" + parts[0] + ".env#" + parts[1]));
  }

  @Override
  public String toString() {
    return "LocalStoreProvider[" + dir + "]";
  }
}
