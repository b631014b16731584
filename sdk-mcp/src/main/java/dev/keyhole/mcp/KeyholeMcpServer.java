package dev.keyhole.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.tools.AgentTool;
import dev.keyhole.tools.HttpTool;
import dev.keyhole.tools.ProcessTool;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Keyhole as an MCP server that any coding agent can use: {@code list_handles}, {@code
 * http_request} and (with a workspace) {@code run_process}, or, as a gateway, the tools of an
 * existing stdio MCP server started as a child with its secrets injected from policy.
 *
 * <pre>{@code
 * KeyholeMcpServer server = KeyholeMcpServer.builder(Keyhole.builder()
 *         .provider(EnvProvider.create())
 *         .policy(Policy.load(Path.of("keyhole-policy.yaml"))))
 *     .build();
 * server.serveStdio(System.in, System.out);          // blocks until the client disconnects
 * }</pre>
 *
 * <p>Each MCP session gets its own Keyhole task, opened when the session starts and closed when it
 * ends (client disconnect, HTTP DELETE, idle timeout, shutdown) or when its TTL runs out: handles,
 * approvals and use counts of one session mean nothing in another. Approval of {@code approval:
 * true} grants is asked through MCP elicitation (form mode); a client without it is denied.
 *
 * <p>Security: every tool result and error is redacted and returned as an MCP tool result ({@code
 * isError} for failures), never as a protocol error; the server owns the {@link Keyhole} it builds
 * and closes it. Gateway children get an allow-listed environment and are killed, with their
 * descendants, when their session's task ends.
 */
public final class KeyholeMcpServer implements AutoCloseable {
  static final String INSTRUCTIONS = "Keyhole lets you use credentials without seeing them. Call"
      + " list_handles to see the secret handles (secret://name) this session may use and which"
      + " tools and hosts each may reach; pass a handle where a parameter takes one. Values never"
      + " reach you: results that would contain one show its handle instead.";

  private final Keyhole keyhole;
  private final ElicitationApprover approver;
  private final Sessions sessions;
  private final List<AgentTool> tools;
  private final @Nullable Gateway gateway;
  private final Duration approvalTimeout;
  private final String version;
  private final Consumer<String> stderr;
  private final McpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
  private final ScheduledExecutorService sweeper;
  private final List<AutoCloseable> running = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private KeyholeMcpServer(Builder b) {
    this.approver = new ElicitationApprover(this::redactorOrNone);
    this.keyhole = b.keyhole.approvalHandler(approver).build();
    this.stderr = b.stderr;
    this.version = b.version;
    this.approvalTimeout = b.approvalTimeout;
    Function<McpSessionInfo, TaskOptions> options = b.taskOptions != null ? b.taskOptions
        : info -> TaskOptions.builder().taskId("mcp-" + info.transport() + "-" + UUID.randomUUID())
            .allPolicyGrants().build();
    this.sessions = new Sessions(keyhole, options, b.idleTimeout, t -> approver.unbind(t.taskId()));
    List<AgentTool> t = new ArrayList<>(b.tools != null ? b.tools : defaultTools(b.workspace));
    this.tools = List.copyOf(t);
    this.gateway = b.upstream == null ? null : new Gateway(b.upstream, b.environment,
        keyhole.redactor(), json, stderr, b.callTimeout);
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread th = new Thread(r, "keyhole-mcp-sweep");
      th.setDaemon(true);
      return th;
    });
    long period = Math.max(1, Math.min(b.idleTimeout.toSeconds() / 2, 30));
    var unused = sweeper.scheduleWithFixedDelay(this::sweepQuietly, period, period, TimeUnit.SECONDS);
  }

  private dev.keyhole.Redactor redactorOrNone() {
    return keyhole == null ? dev.keyhole.Redactor.none() : keyhole.redactor();
  }

  private List<AgentTool> defaultTools(@Nullable Path workspace) {
    List<AgentTool> out = new ArrayList<>();
    out.add(HttpTool.create());
    if (workspace != null) {
      TreeSet<String> commands = new TreeSet<>();
      for (Grant g : keyhole.policy().grants()) {
        commands.addAll(g.commands());
      }
      if (commands.isEmpty()) {
        stderr.accept("[keyhole] run_process is not offered: no grant in the policy lists"
            + " 'commands'");
      } else {
        out.add(ProcessTool.builder(workspace).commands(commands.toArray(String[]::new)).build());
      }
    }
    return out;
  }

  /** A builder around the Keyhole configuration (providers, policy, audit, clock). */
  public static Builder builder(Keyhole.Builder keyhole) {
    return new Builder(keyhole);
  }

  /** The Keyhole this server built (and closes). */
  public Keyhole keyhole() {
    return keyhole;
  }

  /** The tools offered besides {@code list_handles} and upstream tools. */
  public List<String> toolNames() {
    return tools.stream().map(AgentTool::name).toList();
  }

  /** Open MCP sessions (one Keyhole task each). */
  public int openSessions() {
    return sessions.size();
  }

  /** Ends, now, the sessions whose task expired or that were idle too long (also done every 30 s). */
  public void sweep() {
    sessions.sweep();
  }

  private void sweepQuietly() {
    try {
      sessions.sweep();
    } catch (RuntimeException e) {
      stderr.accept("[keyhole] session sweep failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Serves one MCP session over {@code in}/{@code out} (newline-delimited JSON-RPC) and returns
   * when the client disconnects; then closes this server. Nothing else may write to {@code out}.
   *
   * @throws dev.keyhole.KeyholeException when the gateway's upstream cannot be started
   */
  public void serveStdio(InputStream in, OutputStream out) {
    requireOpen();
    Sessions.Session pre = sessions.preOpen(new McpSessionInfo("stdio", null));
    List<McpSchema.Tool> upstreamTools = List.of();
    if (gateway != null) {
      try {
        UpstreamProcess up = gateway.start(pre.task);
        pre.adoptUpstream(up);
        upstreamTools = gateway.exposed(up.listTools(), reservedNames());
      } catch (RuntimeException e) {
        sessions.closeAll();
        close();
        throw e;
      }
    }
    SessionHooks.Stdio hook = new SessionHooks.Stdio(
        new StdioServerTransportProvider(json, in, out), sessions);
    McpSyncServer server = configure(McpServer.sync(hook), pre.task, upstreamTools);
    running.add(() -> {
      server.close();
      hook.ended.complete(null);
    });
    try {
      hook.ended.join();
    } finally {
      close();
    }
  }

  /**
   * Starts the streamable HTTP transport and returns at once. Every request must carry the bearer
   * token; browser origins must be allowed explicitly.
   */
  public McpHttpEndpoint serveHttp(McpHttpOptions options) {
    requireOpen();
    List<McpSchema.Tool> upstreamTools = List.of();
    if (gateway != null) {
      TaskScope discovery = keyhole.openTask(TaskOptions.builder()
          .taskId("mcp-discovery-" + UUID.randomUUID()).allPolicyGrants()
          .ttl(gateway.upstream().startTimeout().plusMinutes(1)).build());
      try (UpstreamProcess up = gateway.start(discovery)) {
        upstreamTools = gateway.exposed(up.listTools(), reservedNames());
      } finally {
        discovery.close();
      }
    }
    HttpServletStreamableServerTransportProvider provider =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(json)
            .mcpEndpoint(options.path())
            .build();
    SessionHooks.Streamable hook = new SessionHooks.Streamable(provider, sessions);
    McpSyncServer server = configure(McpServer.sync(hook), null, upstreamTools);
    McpHttpEndpoint endpoint;
    try {
      endpoint = McpHttpEndpoint.start(options, provider, new HttpGate(options.tokenBytes(),
          options.allowedOrigins(), sessions));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    running.add(() -> {
      sessions.closeAll();
      endpoint.close();
      server.close();
    });
    if (!endpoint.loopback()) {
      stderr.accept("[keyhole] warning: listening on " + options.host() + ", which is not a"
          + " loopback address: anyone who can reach it and has the token can use the handles");
    }
    return endpoint;
  }

  /** The server settings both transports share. */
  private <S extends McpServer.SyncSpecification<S>> McpSyncServer configure(S spec,
      @Nullable TaskScope describeWith, List<McpSchema.Tool> upstreamTools) {
    return spec.serverInfo("keyhole", version)
        .instructions(INSTRUCTIONS)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .requestTimeout(approvalTimeout)
        .validateToolInputs(false)
        .jsonMapper(json)
        .tools(specs(describeWith, upstreamTools))
        .build();
  }

  private List<String> reservedNames() {
    List<String> r = new ArrayList<>(toolNames());
    r.add(ToolSpecs.LIST_HANDLES);
    return r;
  }

  private List<SyncToolSpecification> specs(@Nullable TaskScope describeWith,
      List<McpSchema.Tool> upstreamTools) {
    return new ToolSpecs(sessions, approver, keyhole.redactor())
        .build(tools, describeWith, gateway, upstreamTools);
  }

  private void requireOpen() {
    if (closed) {
      throw new ConfigurationException("This KeyholeMcpServer is closed; build a new one");
    }
  }

  /** Ends every session (closing its task and upstream child), stops transports and Keyhole. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      sessions.closeAll();
      for (AutoCloseable c : running) {
        try {
          c.close();
        } catch (Exception e) {
          stderr.accept("[keyhole] closing a transport failed (" + e.getClass().getSimpleName()
              + ")");
        }
      }
    } finally {
      sweeper.shutdownNow();
      try {
        sweeper.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      keyhole.close();
    }
  }

  @Override
  public String toString() {
    return "KeyholeMcpServer[tools=" + toolNames() + (gateway == null ? ""
        : ", upstream=" + gateway.upstream().name()) + ", sessions=" + sessions.size() + "]";
  }

  /** Builds a {@link KeyholeMcpServer}. */
  public static final class Builder {
    private final Keyhole.Builder keyhole;
    private @Nullable List<AgentTool> tools;
    private @Nullable Path workspace;
    private @Nullable McpUpstream upstream;
    private @Nullable Function<McpSessionInfo, TaskOptions> taskOptions;
    private Duration idleTimeout = Duration.ofMinutes(30);
    private Duration approvalTimeout = Duration.ofMinutes(5);
    private Duration callTimeout = Duration.ofMinutes(5);
    private Map<String, String> environment = System.getenv();
    private Consumer<String> stderr = System.err::println;
    private String version = Optional.ofNullable(
        KeyholeMcpServer.class.getPackage().getImplementationVersion()).orElse("dev");

    private Builder(Keyhole.Builder keyhole) {
      this.keyhole = Objects.requireNonNull(keyhole, "keyhole");
    }

    /**
     * Replaces the offered Keyhole tools (default: {@link HttpTool}, plus {@link ProcessTool} when
     * a {@link #workspace} is set). Pass none for a pure gateway.
     */
    public Builder tools(AgentTool... agentTools) {
      this.tools = List.of(agentTools);
      return this;
    }

    /**
     * Offers {@code run_process} in {@code root}, for the executables the policy's grants list in
     * {@code commands}.
     */
    public Builder workspace(Path root) {
      this.workspace = Objects.requireNonNull(root, "root");
      return this;
    }

    /** Runs {@code server} as the gateway's upstream and exposes its tools. */
    public Builder upstream(McpUpstream server) {
      this.upstream = Objects.requireNonNull(server, "server");
      return this;
    }

    /** The task each MCP session opens (default: every policy grant, the policy's TTL). */
    public Builder taskOptions(Function<McpSessionInfo, TaskOptions> perSession) {
      this.taskOptions = Objects.requireNonNull(perSession, "perSession");
      return this;
    }

    /** HTTP sessions without a request for this long end (default 30 min). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How long an approval question may wait for the user (default 5 min). */
    public Builder approvalTimeout(Duration timeout) {
      this.approvalTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How long a call to the upstream may take (default 5 min). */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Keyhole's own environment, from which upstream children inherit allow-listed variables. */
    public Builder environment(Map<String, String> env) {
      this.environment = Map.copyOf(env);
      return this;
    }

    /** Where diagnostics go (default: System.err); never a value. */
    public Builder stderr(Consumer<String> sink) {
      this.stderr = Objects.requireNonNull(sink, "sink");
      return this;
    }

    public Builder version(String serverVersion) {
      this.version = Objects.requireNonNull(serverVersion, "serverVersion");
      return this;
    }

    /** Builds the Keyhole (with this server as its approval handler) and the server. */
    public KeyholeMcpServer build() {
      return new KeyholeMcpServer(this);
    }
  }
}
