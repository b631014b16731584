package dev.keyhole.mcp;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * In front of the SDK's streamable HTTP servlet: refuses foreign {@code Origin}s and (on loopback)
 * foreign {@code Host}s with 403, requests without the bearer token with 401, and sessions whose
 * task has ended with 404 (so the client starts a new one); ends a session's task on DELETE.
 */
final class HttpGate implements Filter {
  static final String SESSION_HEADER = "Mcp-Session-Id";

  private final byte[] expected;
  private final Set<String> allowedOrigins;
  private final Sessions sessions;
  private volatile Set<String> allowedHosts = Set.of();

  HttpGate(byte[] bearerToken, Set<String> allowedOrigins, Sessions sessions) {
    this.expected = ("Bearer " + new String(bearerToken, StandardCharsets.US_ASCII))
        .getBytes(StandardCharsets.US_ASCII);
    this.allowedOrigins = allowedOrigins;
    this.sessions = sessions;
  }

  /** The host name of a Host header, without the port, lower case. */
  static String hostName(String hostHeader) {
    String h = hostHeader.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  /** The Host header names accepted, any port (empty: any, when not bound to loopback). */
  void allowHosts(Set<String> hosts) {
    this.allowedHosts = Set.copyOf(hosts);
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest req = (HttpServletRequest) request;
    HttpServletResponse resp = (HttpServletResponse) response;
    String origin = req.getHeader("Origin");
    if (origin != null && !allowedOrigins.contains(origin)) {
      refuse(resp, 403, "Origin not allowed; start the server with --allow-origin " + safe(origin)
          + " if this browser page should reach it");
      return;
    }
    Set<String> hosts = allowedHosts;
    String host = req.getHeader("Host");
    if (!hosts.isEmpty() && (host == null || !hosts.contains(hostName(host)))) {
      refuse(resp, 403, "Host not allowed");
      return;
    }
    String auth = req.getHeader("Authorization");
    if (auth == null || !MessageDigest.isEqual(expected,
        auth.strip().getBytes(StandardCharsets.US_ASCII))) {
      resp.setHeader("WWW-Authenticate", "Bearer realm=\"keyhole\"");
      refuse(resp, 401, "Missing or wrong bearer token; send 'Authorization: Bearer <token>' with"
          + " the token Keyhole printed at start (or the one in its --token-file)");
      return;
    }
    String sid = req.getHeader(SESSION_HEADER);
    if (sid != null && sessions.hasEnded(sid)) {
      refuse(resp, 404, "This session has ended (its Keyhole task is closed); start a new one");
      return;
    }
    if (sid != null) {
      sessions.get(sid);
    }
    chain.doFilter(request, response);
    if (sid != null && "DELETE".equals(req.getMethod()) && resp.getStatus() < 300) {
      sessions.close(sid);
    }
  }

  private static String safe(String s) {
    String t = s.replaceAll("[^A-Za-z0-9:/._\\-\\[\\]]", "?");
    return t.length() > 80 ? t.substring(0, 80) + "..." : t;
  }

  private static void refuse(HttpServletResponse resp, int status, String message)
      throws IOException {
    resp.setStatus(status);
    resp.setContentType("text/plain;charset=utf-8");
    resp.getWriter().write(message + "\n");
  }
}
