package dev.keyhole.mcp;

import dev.keyhole.ConfigurationException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A running streamable HTTP endpoint (Jetty 12): its URL and the bearer token clients must send.
 * {@link #close()} stops it; {@link KeyholeMcpServer#close()} does too.
 *
 * <p>Security: {@link #bearerToken()} is the credential for this endpoint; show it to the user
 * once (the CLI prints it to stderr) and never log it.
 */
public final class McpHttpEndpoint implements AutoCloseable {
  private final Server jetty;
  private final URI url;
  private final byte[] token;
  private final boolean loopback;

  private McpHttpEndpoint(Server jetty, URI url, byte[] token, boolean loopback) {
    this.jetty = jetty;
    this.url = url;
    this.token = token;
    this.loopback = loopback;
  }

  static McpHttpEndpoint start(McpHttpOptions options, HttpServlet mcpServlet, HttpGate gate) {
    QueuedThreadPool threads = new QueuedThreadPool(32, 4);
    threads.setName("keyhole-mcp-http");
    threads.setDaemon(true);
    Server jetty = new Server(threads);
    ServerConnector connector = new ServerConnector(jetty, 1, 1);
    connector.setHost(options.host());
    connector.setPort(options.port());
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    context.setContextPath("/");
    ServletHolder servlet = new ServletHolder("mcp", mcpServlet);
    servlet.setAsyncSupported(true);
    context.addServlet(servlet, options.path());
    FilterHolder filter = new FilterHolder(gate);
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
    jetty.setHandler(context);
    try {
      jetty.start();
    } catch (Exception e) {
      try {
        jetty.stop();
      } catch (Exception ignored) {
        // nothing more to stop
      }
      throw new ConfigurationException("Could not listen on " + options.host() + ":"
          + options.port() + " (" + e.getClass().getSimpleName() + "); pick another --port");
    }
    int port = connector.getLocalPort();
    boolean loopback;
    try {
      loopback = InetAddress.getByName(options.host()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    String hostPart = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    if (loopback) {
      Set<String> hosts = new LinkedHashSet<>(List.of(hostPart.toLowerCase(Locale.ROOT),
          "localhost", "127.0.0.1", "[::1]"));
      gate.allowHosts(hosts);
    }
    URI url = URI.create("http://" + hostPart + ":" + port + options.path());
    return new McpHttpEndpoint(jetty, url, options.tokenBytes(), loopback);
  }

  /** The MCP endpoint URL, e.g. {@code http://127.0.0.1:7331/mcp}. */
  public URI url() {
    return url;
  }

  public int port() {
    return url.getPort();
  }

  /** The bearer token clients send as {@code Authorization: Bearer <token>}. */
  public String bearerToken() {
    return new String(token, StandardCharsets.US_ASCII);
  }

  boolean loopback() {
    return loopback;
  }

  @Override
  public void close() {
    try {
      jetty.stop();
    } catch (Exception e) {
      // stopping is best effort; the threads are daemons
    }
  }

  @Override
  public String toString() {
    return "McpHttpEndpoint[" + url + "]";
  }
}
