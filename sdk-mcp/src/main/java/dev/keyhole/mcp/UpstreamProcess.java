package dev.keyhole.mcp;

import dev.keyhole.KeyholeException;
import dev.keyhole.Redactor;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * A running upstream stdio MCP server: the child process (allow-listed environment plus the
 * injected values), Keyhole's own client transport to it, and an MCP Java SDK client on top.
 *
 * <p>Security: every line the child writes, on stdout or stderr, is redacted before it is parsed
 * or forwarded, so no SDK code, log or agent ever sees a value the child echoes. {@link #close()}
 * ends the child and every process it started.
 */
final class UpstreamProcess implements AutoCloseable {
  private static final Duration GRACE = Duration.ofSeconds(3);

  private final String name;
  private final Process process;
  private final Transport transport;
  private final McpSyncClient client;

  private UpstreamProcess(String name, Process process, Transport transport, McpSyncClient client) {
    this.name = name;
    this.process = process;
    this.transport = transport;
    this.client = client;
  }

  /**
   * Starts {@code command} with exactly {@code environment} and initializes an MCP session with it.
   *
   * @throws KeyholeException when the program cannot start or does not answer as an MCP server
   */
  static UpstreamProcess start(String name, List<String> command, Map<String, String> environment,
      Redactor redactor, McpJsonMapper json, Consumer<String> stderr, Duration startTimeout,
      Duration callTimeout) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().putAll(environment);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new KeyholeException("Could not start upstream '" + name + "' (" + command.get(0)
          + "): " + e.getClass().getSimpleName() + "; check the command and PATH");
    }
    Transport t = new Transport(name, p, redactor, json, stderr);
    McpSyncClient c = McpClient.sync(t)
        .clientInfo(McpSchema.Implementation.builder("keyhole-gateway", "1").build())
        .capabilities(McpSchema.ClientCapabilities.builder().build())
        .initializationTimeout(startTimeout)
        .requestTimeout(callTimeout)
        .build();
    UpstreamProcess up = new UpstreamProcess(name, p, t, c);
    try {
      c.initialize();
    } catch (RuntimeException e) {
      up.close();
      throw new KeyholeException("Upstream '" + name + "' did not complete the MCP handshake ("
          + e.getClass().getSimpleName() + (p.isAlive() ? "" : ", it exited with code "
              + p.exitValue()) + "); run the command by hand to see why");
    }
    return up;
  }

  List<McpSchema.Tool> listTools() {
    List<McpSchema.Tool> out = new ArrayList<>();
    String cursor = null;
    do {
      McpSchema.ListToolsResult r = client.listTools(cursor);
      out.addAll(r.tools());
      cursor = r.nextCursor();
    } while (cursor != null && out.size() < 10_000);
    return out;
  }

  McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
    return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    try {
      client.closeGracefully();
    } catch (RuntimeException e) {
      // the transport's close below still ends the child
    }
    transport.terminate();
  }

  @Override
  public String toString() {
    return "UpstreamProcess[" + name + ", pid " + process.pid() + "]";
  }

  /** Newline-delimited JSON-RPC over the child's stdin/stdout, redacting what comes back. */
  private static final class Transport implements McpClientTransport {
    private final String name;
    private final Process process;
    private final Redactor redactor;
    private final McpJsonMapper json;
    private final Consumer<String> stderr;
    private final OutputStream stdin;
    private final List<Thread> readers = new ArrayList<>();
    private volatile boolean closing;

    Transport(String name, Process process, Redactor redactor, McpJsonMapper json,
        Consumer<String> stderr) {
      this.name = name;
      this.process = process;
      this.redactor = redactor;
      this.json = json;
      this.stderr = stderr;
      this.stdin = process.getOutputStream();
    }

    @Override
    public Mono<Void> connect(
        Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
      return Mono.fromRunnable(() -> {
        readers.add(reader("stdout", line -> {
          String safe = redactor.redact(line);
          McpSchema.JSONRPCMessage message;
          try {
            message = McpSchema.deserializeJsonRpcMessage(json, safe);
          } catch (IOException | RuntimeException e) {
            stderr.accept("[keyhole] upstream '" + name + "' wrote a line that is not a JSON-RPC"
                + " message (" + line.length() + " characters); ignored");
            return;
          }
          handler.apply(Mono.just(message)).subscribe(r -> { }, e -> { });
        }, process.getInputStream()));
        readers.add(reader("stderr", line -> stderr.accept(redactor.redact(line)),
            process.getErrorStream()));
      });
    }

    private Thread reader(String stream, Consumer<String> onLine, java.io.InputStream in) {
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (!line.isBlank()) {
              onLine.accept(line);
            }
          }
        } catch (IOException e) {
          if (!closing) {
            stderr.accept("[keyhole] reading the " + stream + " of upstream '" + name + "' failed ("
                + e.getClass().getSimpleName() + ")");
          }
        }
      }, "keyhole-upstream-" + name + "-" + stream);
      t.setDaemon(true);
      t.start();
      return t;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
      return Mono.fromRunnable(() -> {
        try {
          String line = json.writeValueAsString(message).replace("\r", "\\r").replace("\n", "\\n");
          synchronized (stdin) {
            stdin.write(line.getBytes(StandardCharsets.UTF_8));
            stdin.write('\n');
            stdin.flush();
          }
        } catch (IOException e) {
          throw new KeyholeException("Upstream '" + name + "' is not accepting messages ("
              + (process.isAlive() ? e.getClass().getSimpleName() : "it exited with code "
                  + process.exitValue()) + ")");
        }
      });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
      return json.convertValue(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return Mono.fromRunnable(this::terminate);
    }

    /** Ends the child and its descendants (gracefully first), then the reader threads. */
    synchronized void terminate() {
      if (closing && !process.isAlive() && readers.stream().noneMatch(Thread::isAlive)) {
        return;
      }
      closing = true;
      Set<ProcessHandle> tree = new LinkedHashSet<>();
      process.descendants().forEach(tree::add);
      try {
        stdin.close();
      } catch (IOException e) {
        // already closed
      }
      if (!waitFor(process, GRACE)) {
        process.descendants().forEach(tree::add);
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        if (!waitFor(process, GRACE)) {
          process.destroyForcibly();
        }
      }
      process.descendants().forEach(tree::add);
      for (ProcessHandle h : tree) {
        if (h.isAlive()) {
          h.destroyForcibly();
        }
      }
      for (ProcessHandle h : tree) {
        try {
          h.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          // best effort: it was sent SIGKILL
        }
      }
      for (Thread t : readers) {
        try {
          t.join(GRACE.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    private static boolean waitFor(Process p, Duration d) {
      try {
        return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
