package dev.keyhole;

import java.net.IDN;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An allowed destination host: exact ({@code api.github.com}) or a wildcard for subdomains
 * ({@code *.github.com}, which matches {@code api.github.com} and {@code a.b.github.com} but not
 * {@code github.com} itself). Hosts compare case-insensitively, IDN hosts in their ASCII form; IPv6
 * literals may be written with or without brackets. A port, path or scheme is not part of a pattern.
 */
public final class HostPattern {
  private static final Pattern LABELS =
      Pattern.compile("(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+");

  private final String host;
  private final boolean wildcard;

  private HostPattern(String host, boolean wildcard) {
    this.host = host;
    this.wildcard = wildcard;
  }

  /**
   * Parses {@code host} or {@code *.domain}.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static HostPattern parse(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    String p = pattern.strip();
    boolean wild = p.startsWith("*.");
    String h = wild ? p.substring(2) : p;
    String norm = normalizeHost(h);
    if (norm == null || (wild && norm.indexOf('.') < 0 && !norm.equals("localhost"))) {
      throw new IllegalArgumentException(
          "'" + SecretRef.abbreviate(pattern) + "' is not a host pattern; expected a host name such"
              + " as 'api.github.com', a wildcard such as '*.github.com' (at least two labels after"
              + " '*.'), or an IP address; no scheme, port or path");
    }
    return new HostPattern(norm, wild);
  }

  /** Lower-case ASCII form of a host, or null when it is not a valid host name or IP literal. */
  static String normalizeHost(String host) {
    String h = host.strip();
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.isEmpty()) {
      return null;
    }
    String lower = h.toLowerCase(Locale.ROOT);
    if (lower.indexOf(':') >= 0) {
      return IPV6.matcher(lower).matches() ? lower : null;
    }
    try {
      lower = IDN.toASCII(lower, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return LABELS.matcher(lower).matches() && lower.length() <= 253 ? lower : null;
  }

  /** Whether {@code host} (a bare host, no port) matches this pattern. */
  public boolean matches(String host) {
    String h = isPlainLowerAscii(host) ? host : normalizeHost(host);
    if (h == null) {
      return false;
    }
    if (!wildcard) {
      return h.equals(this.host);
    }
    return h.length() > this.host.length() + 1 && h.endsWith("." + this.host);
  }

  /** Already in normal form: lower-case ASCII letters, digits, '-' and '.', no edge dots. */
  private static boolean isPlainLowerAscii(String host) {
    int n = host.length();
    if (n == 0 || n > 253 || host.charAt(0) == '.' || host.charAt(n - 1) == '.') {
      return false;
    }
    char prev = 0;
    for (int i = 0; i < n; i++) {
      char c = host.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      if (!ok || (c == '.' && prev == '.')) {
        return false;
      }
      prev = c;
    }
    return true;
  }

  public boolean isWildcard() {
    return wildcard;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostPattern p && p.host.equals(host) && p.wildcard == wildcard;
  }

  @Override
  public int hashCode() {
    return host.hashCode() * 2 + (wildcard ? 1 : 0);
  }

  @Override
  public String toString() {
    return wildcard ? "*." + host : host;
  }
}
