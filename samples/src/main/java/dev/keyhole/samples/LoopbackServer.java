package dev.keyhole.samples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** The JDK HTTP server on a free port of 127.0.0.1, as the sample's local services use it. */
final class LoopbackServer {
  private LoopbackServer() {}

  /** Starts a server that sends everything under {@code path} to {@code handler}. */
  static HttpServer start(String what, String path, HttpHandler handler) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the " + what, e);
    }
    server.createContext(path, handler);
    server.start();
    return server;
  }

  /** {@code http://127.0.0.1:PORT}. */
  static String origin(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }
}
