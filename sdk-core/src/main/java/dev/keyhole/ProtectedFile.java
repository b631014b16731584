package dev.keyhole;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A file (or glob of files) under a tool root whose secret values Keyhole registers with its
 * redactor when a task opens, without granting them to anyone: a {@code .env} file, a PEM key, or
 * the listed keys of a YAML or JSON file. An allowed program that prints the file ({@code cat .env})
 * then comes back redacted ({@code API_KEY=secret://protected}).
 *
 * <p>In a policy file:
 *
 * <pre>{@code
 * protect:
 *   - .env                          # dotenv: values of secret-named keys, and random-looking ones
 *   - "keys/*.pem"                  # every PEM block
 *   - path: config/*.yaml           # YAML/JSON: the listed keys (dotted paths, '*' for any name)
 *     keys: [database.password, services.*.token]
 * }</pre>
 *
 * <p>Paths are globs relative to the tool root ({@code Keyhole.builder().workspace(...)} or
 * {@code TaskOptions.builder().root(...)}); {@code *} stays within a directory, {@code **} crosses
 * directories. The format follows the file name: {@code .env}, {@code *.env}, {@code .env.*} are
 * dotenv; {@code *.pem}, {@code *.key} are PEM; {@code *.yaml}, {@code *.yml}, {@code *.json} need
 * {@code keys}. A dotenv rule may list {@code keys} too (then exactly those are registered).
 */
public final class ProtectedFile {
  /** How a protected file is read. */
  public enum Format {
    DOTENV,
    PEM,
    YAML
  }

  private final String path;
  private final List<String> keys;
  private final Format format;

  private ProtectedFile(String path, List<String> keys) {
    this.path = path;
    this.keys = List.copyOf(keys);
    this.format = formatOf(path);
    if (format == Format.YAML && this.keys.isEmpty()) {
      throw new IllegalArgumentException("protect: '" + path + "' is a YAML/JSON file; list the"
          + " keys whose values are secret, e.g. keys: [database.password]");
    }
    if (format == Format.PEM && !this.keys.isEmpty()) {
      throw new IllegalArgumentException("protect: '" + path + "' is a PEM file; it takes no keys");
    }
    for (String k : this.keys) {
      if (k.isBlank() || k.startsWith(".") || k.endsWith(".") || k.contains("..")) {
        throw new IllegalArgumentException("protect: '" + path + "': key '" + k + "' is not a"
            + " dotted path such as database.password");
      }
    }
  }

  /** Protects every secret value of the files {@code path} matches. */
  public static ProtectedFile of(String path) {
    return new ProtectedFile(checkPath(path), List.of());
  }

  /** Protects the values of {@code keys} (dotted paths; for dotenv files, variable names). */
  public static ProtectedFile of(String path, List<String> keys) {
    return new ProtectedFile(checkPath(path), Objects.requireNonNull(keys, "keys"));
  }

  private static String checkPath(String path) {
    Objects.requireNonNull(path, "path");
    String p = path.strip();
    if (p.isEmpty() || p.startsWith("/") || p.startsWith("~") || p.matches("^[A-Za-z]:.*")
        || p.equals("..") || p.startsWith("../") || p.contains("/../") || p.endsWith("/..")) {
      throw new IllegalArgumentException("protect: '" + path + "' must be a path relative to the"
          + " tool root, inside it (no leading '/', '~' or '..')");
    }
    return p;
  }

  private static Format formatOf(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    if (name.equals(".env") || name.endsWith(".env") || name.startsWith(".env.")) {
      return Format.DOTENV;
    }
    if (name.endsWith(".pem") || name.endsWith(".key")) {
      return Format.PEM;
    }
    if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
      return Format.YAML;
    }
    throw new IllegalArgumentException("protect: cannot tell how to read '" + path + "'; protect"
        + " .env files, PEM files (*.pem, *.key), or the keys of YAML/JSON files");
  }

  /** The glob, relative to the tool root. */
  public String path() {
    return path;
  }

  /** The keys to register; empty for "every secret value" (dotenv) or "the whole file" (PEM). */
  public List<String> keys() {
    return keys;
  }

  public Format format() {
    return format;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProtectedFile p && p.path.equals(path) && p.keys.equals(keys);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, keys);
  }

  @Override
  public String toString() {
    return "ProtectedFile[" + path + (keys.isEmpty() ? "" : ", keys=" + keys) + "]";
  }
}
