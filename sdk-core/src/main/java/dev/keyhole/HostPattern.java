package dev.keyhole;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An allowed destination: an exact host ({@code api.github.com}) or a wildcard for subdomains
 * ({@code *.github.com}, which matches {@code api.github.com} and {@code a.b.github.com} but not
 * {@code github.com} itself), optionally with a port ({@code api.github.com:8443}). A pattern
 * without a port allows only the scheme's default port (443 for https, 80 for http). Hosts compare
 * as {@link Destination} normalises them: case-insensitively, IDN hosts as A-labels, no trailing
 * dot; IPv6 literals in brackets when a port follows ({@code [::1]:8443}). No scheme or path.
 */
public final class HostPattern {
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  private final String host;
  private final boolean wildcard;
  private final int port; // 0 = the scheme's default port

  private HostPattern(String host, boolean wildcard, int port) {
    this.host = host;
    this.wildcard = wildcard;
    this.port = port;
  }

  /**
   * Parses {@code host}, {@code *.domain}, optionally followed by {@code :port}.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static HostPattern parse(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    String p = pattern.strip();
    boolean wild = p.startsWith("*.");
    String h = wild ? p.substring(2) : p;
    int port = 0;
    String portText = null;
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      if (close > 0 && close + 1 < h.length() && h.charAt(close + 1) == ':') {
        portText = h.substring(close + 2);
        h = h.substring(0, close + 1);
      }
    } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
      portText = h.substring(h.indexOf(':') + 1);
      h = h.substring(0, h.indexOf(':'));
    }
    if (portText != null) {
      if (!PORT.matcher(portText).matches() || Integer.parseInt(portText) < 1
          || Integer.parseInt(portText) > 65535) {
        throw invalid(pattern);
      }
      port = Integer.parseInt(portText);
    }
    String norm = Destination.normalizeHost(h);
    if (norm == null || (wild && norm.indexOf('.') < 0 && !norm.equals("localhost"))) {
      throw invalid(pattern);
    }
    return new HostPattern(norm, wild, port);
  }

  private static IllegalArgumentException invalid(String pattern) {
    return new IllegalArgumentException(
        "'" + SecretRef.abbreviate(pattern) + "' is not a host pattern; expected a host name such"
            + " as 'api.github.com', a wildcard such as '*.github.com' (at least two labels after"
            + " '*.'), or an IP address, optionally with a port ('api.github.com:8443'); no scheme"
            + " or path");
  }

  /** Whether {@code destination}'s host and port match this pattern. */
  public boolean matches(Destination destination) {
    boolean portOk = port == 0 ? destination.hasDefaultPort() : destination.port() == port;
    return portOk && matchesNormalized(destination.host()); // a Destination's host is normalised
  }

  /**
   * Whether a URL or bare host (parsed with {@link Destination#parse}; a bare host means https)
   * matches; false when it cannot be parsed.
   */
  public boolean matches(String urlOrHost) {
    try {
      return matches(Destination.parse(urlOrHost));
    } catch (InvalidDestinationException e) {
      return false;
    }
  }

  /**
   * Whether {@code host} (a bare host name, no port) matches this pattern's host part, ignoring the
   * port. Prefer {@link #matches(Destination)}, which checks the port too.
   */
  public boolean matchesHost(String host) {
    String h = Destination.normalizeHost(host);
    return h != null && matchesNormalized(h);
  }

  private boolean matchesNormalized(String h) {
    if (!wildcard) {
      return h.equals(this.host);
    }
    return h.length() > this.host.length() + 1 && h.endsWith(this.host)
        && h.charAt(h.length() - this.host.length() - 1) == '.';
  }

  public boolean isWildcard() {
    return wildcard;
  }

  /** The port this pattern allows, or empty for the scheme's default port. */
  public java.util.OptionalInt port() {
    return port == 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(port);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HostPattern p && p.host.equals(host) && p.wildcard == wildcard
        && p.port == port;
  }

  @Override
  public int hashCode() {
    return (host.hashCode() * 2 + (wildcard ? 1 : 0)) * 31 + port;
  }

  @Override
  public String toString() {
    String h = host.indexOf(':') >= 0 && port != 0 ? "[" + host + "]" : host;
    return (wildcard ? "*." : "") + h + (port == 0 ? "" : ":" + port);
  }
}
