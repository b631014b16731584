package dev.keyhole.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy that records every byte in both directions: the HTTP transport exactly as it
 * crossed the wire between a real MCP client and the server.
 */
final class TcpTap implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  TcpTap(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "tcp-tap");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Everything the clients sent and the server answered, as text. */
  String transcript() {
    synchronized (sent) {
      synchronized (received) {
        return sent.toString(StandardCharsets.UTF_8) + "\n" + received.toString(StandardCharsets.UTF_8);
      }
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(upstream);
        pipe(client.getInputStream(), upstream.getOutputStream(), sent);
        pipe(upstream.getInputStream(), client.getOutputStream(), received);
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pipe(InputStream from, OutputStream to, ByteArrayOutputStream record) {
    Thread t = new Thread(() -> Tap.pump(from, to, record), "tcp-tap-pipe");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
