package dev.keyhole;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a tool call sends a value: scheme, host and port, with one parser for URLs and bare hosts.
 * The policy check, {@link ToolGuard}, the HTTP tool (including every redirect hop) and framework
 * adapters all use this type, so the host a check approves is the host a client contacts.
 *
 * <p>Parsing is strict and fails closed: user-info, {@code @ \ # ?} or spaces in the authority,
 * non-numeric or out-of-range ports, schemes other than {@code http}/{@code https} and hosts that
 * are not valid DNS names or IP literals are refused with an {@link InvalidDestinationException}.
 * Hosts are normalised: lower case, IDN as A-labels, no trailing dot, IPv6 without brackets. A bare
 * host ({@code api.github.com}, {@code api.github.com:8443}) means {@code https}.
 *
 * <p>Immutable; equality is by scheme, host and port.
 */
public final class Destination {
  private static final Pattern LABELS = Pattern.compile(
      "(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV4 = Pattern.compile(
      "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+(?:%[0-9a-z]+)?");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
  private static final Pattern NUMERIC_FORMS =
      Pattern.compile("(?:0x[0-9a-f]+|[0-9]+)(?:\\.(?:0x[0-9a-f]+|[0-9]+))*");
  private static final Pattern LEADING_ZERO = Pattern.compile(".*(?:^|\\.)0\\d.*");

  private final String scheme;
  private final String host;
  private final int port;

  private Destination(String scheme, String host, int port) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
  }

  /**
   * Parses an absolute {@code http(s)://} URL or a bare host with an optional port.
   *
   * @throws InvalidDestinationException naming what is wrong (never a value)
   */
  public static Destination parse(String urlOrHost) {
    Objects.requireNonNull(urlOrHost, "urlOrHost");
    String t = urlOrHost.strip();
    int sep = t.indexOf("://");
    if (sep >= 0) {
      String scheme = t.substring(0, sep).toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw invalid(urlOrHost, "scheme '" + abbreviate(scheme) + "' is not allowed; use https");
      }
      String rest = t.substring(sep + 3);
      int end = rest.length();
      for (int i = 0; i < rest.length(); i++) {
        char c = rest.charAt(i);
        if (c == '/' || c == '?' || c == '#') {
          end = i;
          break;
        }
      }
      Destination d = authority(scheme, rest.substring(0, end), urlOrHost);
      // The JDK must read the same authority; anything it parses differently is refused.
      try {
        URI u = new URI(t);
        if (u.getRawUserInfo() != null || u.getHost() == null
            || !sameHost(u.getHost(), d.host) || effectivePort(u) != d.port) {
          throw invalid(urlOrHost, "the URL's authority is ambiguous");
        }
      } catch (URISyntaxException e) {
        throw invalid(urlOrHost, "it is not a valid URL (" + e.getReason() + "); percent-encode"
            + " the path and query");
      }
      return d;
    }
    return authority("https", t, urlOrHost);
  }

  /**
   * The destination of an absolute {@code http(s)} URI.
   *
   * @throws InvalidDestinationException when it has no host, user-info, or another scheme
   */
  public static Destination of(URI uri) {
    Objects.requireNonNull(uri, "uri");
    return parse(uri.toString());
  }

  /** A destination from parts; the host is validated and normalised like {@link #parse}. */
  public static Destination of(String scheme, String host, int port) {
    String s = scheme.toLowerCase(Locale.ROOT);
    if (!s.equals("https") && !s.equals("http")) {
      throw invalid(scheme, "scheme '" + abbreviate(s) + "' is not allowed; use https");
    }
    String h = normalizeHost(host);
    if (h == null) {
      throw invalid(host, "the host is not a valid host name or IP address");
    }
    if (port < 1 || port > 65535) {
      throw invalid(host, "port " + port + " is out of range 1-65535");
    }
    return new Destination(s, h, port);
  }

  private static Destination authority(String scheme, String auth, String original) {
    if (auth.isEmpty()) {
      throw invalid(original, "it has no host");
    }
    for (int i = 0; i < auth.length(); i++) {
      char c = auth.charAt(i);
      if (c == '@') {
        throw invalid(original, "user-info (user@host) is not allowed; send credentials in a header");
      }
      if (c == '\\' || c == '/' || c == '#' || c == '?' || c == '%' || Character.isWhitespace(c)
          || Character.isISOControl(c)) {
        throw invalid(original, "the host part holds '" + printable(c) + "'");
      }
    }
    String hostPart;
    String portPart = null;
    if (auth.startsWith("[")) {
      int close = auth.indexOf(']');
      if (close < 0) {
        throw invalid(original, "an IPv6 address is not closed with ']'");
      }
      hostPart = auth.substring(1, close);
      String after = auth.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw invalid(original, "unexpected text after the IPv6 address");
        }
        portPart = after.substring(1);
      }
      if (!IPV6.matcher(hostPart.toLowerCase(Locale.ROOT)).matches()) {
        throw invalid(original, "'" + abbreviate(hostPart) + "' is not an IPv6 address");
      }
    } else {
      int colon = auth.indexOf(':');
      if (colon >= 0) {
        if (auth.indexOf(':', colon + 1) >= 0) {
          throw invalid(original, "an IPv6 address must be written in brackets, e.g. [::1]:8443");
        }
        hostPart = auth.substring(0, colon);
        portPart = auth.substring(colon + 1);
      } else {
        hostPart = auth;
      }
    }
    int port = scheme.equals("http") ? 80 : 443;
    if (portPart != null) {
      if (!PORT.matcher(portPart).matches()) {
        throw invalid(original, "the port '" + abbreviate(portPart) + "' is not a number");
      }
      port = Integer.parseInt(portPart);
      if (port < 1 || port > 65535) {
        throw invalid(original, "port " + port + " is out of range 1-65535");
      }
    }
    String h = normalizeHost(hostPart);
    if (h == null) {
      throw invalid(original, "'" + abbreviate(hostPart) + "' is not a valid host name or IP address");
    }
    return new Destination(scheme, h, port);
  }

  /** Lower-case ASCII form of a host name or IP literal, or null when it is neither. */
  static String normalizeHost(String host) {
    String h = host.strip();
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".") && !h.endsWith("..")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.isEmpty()) {
      return null;
    }
    String lower = h.toLowerCase(Locale.ROOT);
    if (lower.indexOf(':') >= 0) {
      return IPV6.matcher(lower).matches() ? lower : null;
    }
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (c == '@' || c == '\\' || c == '/' || c == '#' || c == '?' || c == '%' || c == '_'
          || Character.isWhitespace(c)) {
        return null;
      }
    }
    // IDN.toASCII leaves a name of ASCII letters, digits, '-' and '.' as it is (LABELS below
    // checks its labels), so only other names pay for the conversion to A-labels.
    if (!isPlainAsciiName(lower)) {
      try {
        lower = IDN.toASCII(lower, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    if (lower.length() > 253 || !LABELS.matcher(lower).matches()) {
      return null;
    }
    // All-numeric dotted names are IPv4 literals and must be exactly that (no 0x, octal or short
    // forms). Both forms start with a digit (LABELS refused a leading dot).
    if (Character.isDigit(lower.charAt(0))
        && (DIGITS_AND_DOTS.matcher(lower).matches() || NUMERIC_FORMS.matcher(lower).matches())) {
      return IPV4.matcher(lower).matches() && !LEADING_ZERO.matcher(lower).matches() ? lower : null;
    }
    // A name whose last label is a number is no host name to java.net.URI (a top label starts
    // with a letter) and an IPv4 address to the WHATWG URL parser: refused, so that a bare host
    // and the URL a tool builds from it can never name different machines.
    String last = lower.substring(lower.lastIndexOf('.') + 1);
    if (!last.isEmpty() && (Character.isDigit(last.charAt(0)) && NUMERIC_FORMS.matcher(last).matches())) {
      return null;
    }
    return lower;
  }

  private static boolean isPlainAsciiName(String lower) {
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameHost(String uriHost, String normalized) {
    if (uriHost.equalsIgnoreCase(normalized)) {
      return true; // normalizeHost is case-insensitive and leaves its own output as it is
    }
    String n = normalizeHost(uriHost);
    return normalized.equals(n);
  }

  private static int effectivePort(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "http".equalsIgnoreCase(u.getScheme()) ? 80 : 443;
  }

  /** {@code https} or {@code http}. */
  public String scheme() {
    return scheme;
  }

  /** The normalised host: lower case, A-labels, no trailing dot, IPv6 without brackets. */
  public String host() {
    return host;
  }

  /** The port: explicit, or the scheme's default (443, 80). */
  public int port() {
    return port;
  }

  /** Whether the port is the scheme's default. */
  public boolean hasDefaultPort() {
    return port == (scheme.equals("http") ? 80 : 443);
  }

  /** Whether the value would travel over plain {@code http://}. */
  public boolean isPlainHttp() {
    return scheme.equals("http");
  }

  /** Whether the host is {@code localhost} or a loopback address. */
  public boolean isLoopback() {
    return host.equals("localhost") || host.endsWith(".localhost") || host.equals("::1")
        || host.equals("0:0:0:0:0:0:0:1") || (host.startsWith("127.") && IPV4.matcher(host).matches());
  }

  /** The host as written in a URL authority (IPv6 in brackets) with the port when not default. */
  public String authority() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return hasDefaultPort() ? h : h + ":" + port;
  }

  /** Whether {@code uri} goes to this destination (same scheme, host and port). */
  public boolean sameAs(URI uri) {
    try {
      return equals(of(uri));
    } catch (InvalidDestinationException e) {
      return false;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Destination d && d.scheme.equals(scheme) && d.host.equals(host)
        && d.port == port;
  }

  @Override
  public int hashCode() {
    return (scheme.hashCode() * 31 + host.hashCode()) * 31 + port;
  }

  /** {@code scheme://host[:port]}. */
  @Override
  public String toString() {
    return scheme + "://" + authority();
  }

  private static InvalidDestinationException invalid(String input, String why) {
    return new InvalidDestinationException("Destination '" + abbreviate(input) + "' is refused: "
        + why + ". Send an absolute https:// URL or a bare host such as 'api.github.com'.");
  }

  private static String printable(char c) {
    return Character.isWhitespace(c) || Character.isISOControl(c)
        ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c);
  }

  static String abbreviate(String s) {
    String t = s.replaceAll("\\p{Cntrl}", "?");
    int q = t.indexOf('?', t.indexOf("://") + 3);
    if (t.contains("://") && q > 0) {
      t = t.substring(0, q) + "?…"; // a query may carry a handle's value after substitution
    }
    return t.length() <= 80 ? t : t.substring(0, 77) + "...";
  }
}
