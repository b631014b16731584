package dev.keyhole;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a secret lives: a URI-like reference parsed once, such as {@code env:GITHUB_TOKEN},
 * {@code dotenv:.env#GITHUB_TOKEN}, {@code memory:demo}, {@code op://Dev/GitHub/token},
 * {@code aws-sm:prod/db#password} or {@code aws-ssm:/prod/db/url}.
 *
 * <p>The scheme (lower-cased) selects the provider; the rest ({@link #path()}) is the provider's own
 * syntax, which the core checks for the built-in schemes and adapters check in detail for theirs.
 * References are configuration, not secrets: they are safe to log and appear in audit events.
 */
public final class SecretRef {
  private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]{0,31}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern MEMORY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./-]{0,127}");
  private static final Pattern DOTENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

  private final String scheme;
  private final String path;

  private SecretRef(String scheme, String path) {
    this.scheme = scheme;
    this.path = path;
  }

  /**
   * Parses a reference.
   *
   * @throws InvalidReferenceException naming the problem and the expected form
   */
  public static SecretRef parse(String text) {
    Objects.requireNonNull(text, "reference");
    String t = text.strip();
    int colon = t.indexOf(':');
    if (colon <= 0) {
      throw new InvalidReferenceException(
          "Secret reference '" + abbreviate(t) + "' has no scheme; expected 'scheme:path', e.g."
              + " 'env:GITHUB_TOKEN', 'dotenv:.env#KEY', 'memory:NAME', 'op://vault/item/field',"
              + " 'aws-sm:NAME#key' or 'aws-ssm:/path/name'");
    }
    String scheme = t.substring(0, colon).toLowerCase(Locale.ROOT);
    String path = t.substring(colon + 1);
    if (!SCHEME.matcher(scheme).matches()) {
      throw new InvalidReferenceException(
          "Secret reference scheme '" + abbreviate(scheme) + "' is invalid; a scheme is a letter"
              + " followed by letters, digits, '+', '.' or '-'");
    }
    if (path.isEmpty()) {
      throw new InvalidReferenceException(
          "Secret reference '" + scheme + ":' has an empty path; " + expected(scheme));
    }
    if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new InvalidReferenceException(
          "Secret reference '" + scheme + ":...' contains a control character");
    }
    validateBuiltIn(scheme, path);
    return new SecretRef(scheme, path);
  }

  /** Builds {@code scheme:path}; same validation as {@link #parse}. */
  public static SecretRef of(String scheme, String path) {
    return parse(scheme + ":" + path);
  }

  private static void validateBuiltIn(String scheme, String path) {
    switch (scheme) {
      case "env" -> {
        if (!ENV_NAME.matcher(path).matches()) {
          throw new InvalidReferenceException(
              "Secret reference 'env:" + abbreviate(path) + "' is invalid; " + expected(scheme));
        }
      }
      case "memory" -> {
        if (!MEMORY_NAME.matcher(path).matches()) {
          throw new InvalidReferenceException(
              "Secret reference 'memory:" + abbreviate(path) + "' is invalid; " + expected(scheme));
        }
      }
      case "dotenv" -> {
        int hash = path.lastIndexOf('#');
        if (hash <= 0 || hash == path.length() - 1) {
          throw new InvalidReferenceException(
              "Secret reference 'dotenv:" + abbreviate(path) + "' is invalid; " + expected(scheme));
        }
        String key = path.substring(hash + 1);
        if (!DOTENV_KEY.matcher(key).matches()) {
          throw new InvalidReferenceException(
              "Secret reference 'dotenv:" + abbreviate(path) + "' has an invalid key '"
                  + abbreviate(key) + "'; " + expected(scheme));
        }
      }
      case "op" -> {
        if (!path.startsWith("//") || path.length() < 3) {
          throw new InvalidReferenceException(
              "Secret reference 'op:" + abbreviate(path) + "' is invalid; " + expected(scheme));
        }
      }
      default -> {
        // Adapter schemes (aws-sm, aws-ssm, ...) are validated by their providers.
      }
    }
  }

  private static String expected(String scheme) {
    return switch (scheme) {
      case "env" -> "expected 'env:NAME' with NAME made of letters, digits and '_'";
      case "memory" -> "expected 'memory:NAME' (letters, digits, '_', '.', '/', '-')";
      case "dotenv" -> "expected 'dotenv:PATH#KEY', e.g. 'dotenv:.env#GITHUB_TOKEN'";
      case "op" -> "expected 'op://vault/item/[section/]field'";
      case "aws-sm" -> "expected 'aws-sm:NAME-OR-ARN[#json-key]'";
      case "aws-ssm" -> "expected 'aws-ssm:/path/name[:version-or-label]'";
      default -> "expected '" + scheme + ":<path>'";
    };
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** The lower-case scheme, e.g. {@code env}, {@code op}, {@code aws-sm}. */
  public String scheme() {
    return scheme;
  }

  /** Everything after {@code scheme:}, exactly as written (for {@code op://a/b/c}: {@code //a/b/c}). */
  public String path() {
    return path;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretRef r && r.scheme.equals(scheme) && r.path.equals(path);
  }

  @Override
  public int hashCode() {
    return scheme.hashCode() * 31 + path.hashCode();
  }

  /** The reference text, {@code scheme:path}. Safe to log. */
  @Override
  public String toString() {
    return scheme + ":" + path;
  }
}
