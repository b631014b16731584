package dev.keyhole;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the model sees instead of a secret: a name such as {@code github_token}, written as the
 * handle token {@code secret://github_token}.
 *
 * <p>Names match {@code [a-z0-9][a-z0-9_-]{0,63}}; the canonical form is lower case and tokens are
 * matched case-insensitively. There are no dots in a name, so a token ends unambiguously inside
 * prose ("use secret://github_token."). A handle carries no value and no reference; it only becomes
 * useful inside an open {@link TaskScope} whose policy grants it to the calling tool.
 */
public final class SecretHandle implements Comparable<SecretHandle> {
  /** The token prefix, {@code secret://}. */
  public static final String PREFIX = "secret://";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private final String name;

  private SecretHandle(String name) {
    this.name = name;
  }

  /**
   * The handle with this name (case-insensitive; stored lower case).
   *
   * @throws InvalidHandleException if the name is not {@code [a-z0-9][a-z0-9_-]{0,63}}
   */
  public static SecretHandle of(String name) {
    Objects.requireNonNull(name, "name");
    String n = name.toLowerCase(Locale.ROOT);
    if (!NAME.matcher(n).matches()) {
      throw new InvalidHandleException(
          "Handle name '" + SecretRef.abbreviate(name) + "' is invalid; a handle name is 1 to 64"
              + " characters of a-z, 0-9, '_' and '-', starting with a letter or digit");
    }
    return new SecretHandle(n);
  }

  /** Whether {@code name} is a valid handle name. */
  public static boolean isValidName(String name) {
    return NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
  }

  /**
   * Parses a whole handle token, {@code secret://name}.
   *
   * @throws InvalidHandleException if the text is not exactly one valid token
   */
  public static SecretHandle parse(String token) {
    Objects.requireNonNull(token, "token");
    String t = token.strip();
    if (!t.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new InvalidHandleException(
          "'" + SecretRef.abbreviate(t) + "' is not a handle token; expected 'secret://NAME'");
    }
    return of(t.substring(PREFIX.length()));
  }

  /**
   * Finds every handle token in {@code text}, in order. Malformed tokens (an empty, over-long or
   * badly started name after {@code secret://}) are reported with {@link HandleMatch#valid()} false
   * so that callers can deny them instead of silently passing them through.
   */
  public static List<HandleMatch> findAll(CharSequence text) {
    // A hand-written scan (this runs on every text argument of every guarded call): the prefix in
    // any ASCII case, then the longest run of name characters, leftmost first, not overlapping.
    String s = text.toString();
    List<HandleMatch> out = null;
    int from = 0;
    int lastEnd = 0; // a token starts at or after the end of the previous one
    for (int i = s.indexOf("://", from); i >= 0; i = s.indexOf("://", from)) {
      if (i - 6 < lastEnd || !asciiSecretBefore(s, i)) {
        from = i + 1;
        continue;
      }
      int end = i + 3;
      while (end < s.length() && isNameChar(s.charAt(end))) {
        end++;
      }
      String raw = s.substring(i + 3, end).toLowerCase(Locale.ROOT);
      boolean valid = !raw.isEmpty() && raw.length() <= 64 && raw.charAt(0) != '_'
          && raw.charAt(0) != '-';
      if (out == null) {
        out = new ArrayList<>(2);
      }
      out.add(new HandleMatch(valid ? new SecretHandle(raw) : null, i - 6, end, valid));
      from = end;
      lastEnd = end;
    }
    return out == null ? List.of() : out;
  }

  /** Whether {@code s[i-6, i)} is "secret" in any ASCII case (no other case folding). */
  private static boolean asciiSecretBefore(String s, int i) {
    for (int k = 0; k < 6; k++) {
      char c = s.charAt(i - 6 + k);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != "secret".charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
        || c == '-';
  }

  /** A cheap check whether {@code text} contains {@code secret://} in any case. */
  public static boolean containsToken(CharSequence text) {
    String s = text.toString();
    int last = s.length() - PREFIX.length();
    for (int i = s.indexOf("://"); i >= 0 && i - 6 <= last; i = s.indexOf("://", i + 1)) {
      if (i >= 6 && s.regionMatches(true, i - 6, PREFIX, 0, PREFIX.length())) {
        return true;
      }
    }
    return false;
  }

  /** The canonical lower-case name, e.g. {@code github_token}. */
  public String name() {
    return name;
  }

  /** The token text, {@code secret://name}. */
  public String token() {
    return PREFIX + name;
  }

  @Override
  public int compareTo(SecretHandle o) {
    return name.compareTo(o.name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretHandle h && h.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  /** The token text, {@code secret://name}. Handles are not secret. */
  @Override
  public String toString() {
    return token();
  }
}
