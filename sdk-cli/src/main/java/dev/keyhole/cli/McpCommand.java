package dev.keyhole.cli;

import dev.keyhole.Keyhole;
import dev.keyhole.KeyholeException;
import dev.keyhole.Policy;
import dev.keyhole.audit.JsonLinesAuditSink;
import dev.keyhole.mcp.KeyholeMcpServer;
import dev.keyhole.mcp.McpHttpEndpoint;
import dev.keyhole.mcp.McpHttpOptions;
import dev.keyhole.mcp.McpUpstream;
import dev.keyhole.providers.DotenvProvider;
import dev.keyhole.providers.EnvProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code keyhole mcp}: Keyhole as an MCP server for coding agents. */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    subcommands = {McpCommand.Serve.class},
    synopsisSubcommandLabel = "COMMAND",
    description = {"Keyhole for coding agents over MCP (Model Context Protocol).", ""},
    commandListHeading = "%nCommands:%n")
final class McpCommand implements Callable<Integer> {
  @ParentCommand KeyholeCli parent;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(parent.ctx.err());
    return 2;
  }

  /** {@code keyhole mcp serve}. */
  @Command(
      name = "serve",
      sortOptions = false,
      usageHelpAutoWidth = true,
      mixinStandardHelpOptions = true,
      description = {
          "Serve Keyhole's tools to an MCP client (Claude Code, Cursor, Kiro, ...): list_handles,"
              + " http_request and, with --workspace, run_process. Each MCP session is one"
              + " Keyhole task; the agent sees handles (secret://name), never values.",
          "With --upstream, act as a gateway: start an existing stdio MCP server (the command"
              + " after --) with secrets from the policy in its environment, expose its tools,"
              + " and redact everything it sends back.",
          "Values come from env: and dotenv: references in the policy. Approval (grants with"
              + " 'approval: true') is asked through MCP elicitation.",
          ""},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the client disconnected (stdio) or the server was stopped",
          "2:error (bad option, unreadable policy, upstream did not start)"},
      footerHeading = "%nExamples:%n",
      footer = {
          "  keyhole mcp serve --policy keyhole-policy.yaml",
          "  keyhole mcp serve --policy keyhole-policy.yaml --http --port 7391",
          "      prints the URL and a bearer token (once) to stderr",
          "  keyhole mcp serve --policy keyhole-policy.yaml --upstream github \\",
          "      --env GITHUB_PERSONAL_ACCESS_TOKEN=github_token \\",
          "      -- npx -y @modelcontextprotocol/server-github",
          "",
          "stdout carries the MCP protocol (stdio); diagnostics go to stderr."})
  static final class Serve implements Callable<Integer> {
    @ParentCommand McpCommand mcp;

    @Option(names = "--policy", paramLabel = "FILE", defaultValue = "keyhole-policy.yaml",
        description = "Policy file (default: ${DEFAULT-VALUE}).")
    Path policy;

    @Option(names = "--audit", paramLabel = "FILE",
        description = "Append audit events (JSON lines, never values) to FILE.")
    Path audit;

    @Option(names = "--dotenv-dir", paramLabel = "DIR",
        description = "Base directory of dotenv: references (default: the working directory).")
    Path dotenvDir;

    @Option(names = "--workspace", paramLabel = "DIR",
        description = "Offer run_process in DIR, for the executables the grants list in"
            + " 'commands'.")
    Path workspace;

    @Option(names = "--http", description = "Serve streamable HTTP instead of stdio.")
    boolean http;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
        description = "HTTP address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
        description = "HTTP port (default: any free port).")
    int port;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "Read the HTTP bearer token from FILE instead of generating one.")
    Path tokenFile;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN",
        description = "Allow browser requests from ORIGIN (repeatable); others get 403.")
    List<String> origins = new ArrayList<>();

    @Option(names = "--upstream", paramLabel = "NAME",
        description = "Gateway mode: the upstream's name, which grants list in 'tools'.")
    String upstream;

    @Option(names = "--env", paramLabel = "VAR=HANDLE",
        description = "Upstream environment variable VAR gets the value of HANDLE (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = "--handle-param", paramLabel = "TOOL.PARAM",
        description = "Upstream tool TOOL takes handles in parameter PARAM (repeatable).")
    List<String> handleParams = new ArrayList<>();

    @Option(names = "--destination-param", paramLabel = "TOOL=PARAM",
        description = "Upstream tool TOOL sends to the URL or host in PARAM (repeatable).")
    List<String> destinationParams = new ArrayList<>();

    @Option(names = "--inherit", paramLabel = "VAR",
        description = "Pass Keyhole's variable VAR on to the upstream (repeatable; default"
            + " PATH, HOME, LANG, TMPDIR, USER, LOGNAME, SHELL, TERM).")
    List<String> inherit = new ArrayList<>();

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
        description = "After --: the upstream MCP server's command and arguments.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
      CliContext ctx = mcp.parent.ctx;
      Path policyFile = ctx.resolve(policy);
      if (!Files.isRegularFile(policyFile)) {
        throw new CliException("Policy file " + policyFile + " not found; pass --policy FILE"
            + " (see 'keyhole mcp serve --help' and the README for an example)");
      }
      Keyhole.Builder keyhole = Keyhole.builder()
          .provider(EnvProvider.of(ctx.env()))
          .provider(DotenvProvider.withBaseDir(dotenvDir == null ? ctx.workingDirectory()
              : ctx.resolve(dotenvDir)))
          .policy(Policy.load(policyFile))
          .clock(ctx.clock());
      if (audit != null) {
        keyhole.auditSink(JsonLinesAuditSink.toFile(ctx.resolve(audit)));
      }
      KeyholeMcpServer.Builder b = KeyholeMcpServer.builder(keyhole)
          .environment(ctx.env())
          .version(KeyholeCli.version())
          .stderr(line -> {
            ctx.err().println(line);
            ctx.err().flush();
          });
      if (workspace != null) {
        b.workspace(ctx.resolve(workspace));
      }
      if (upstream != null) {
        b.upstream(upstream()).tools();
      } else if (!command.isEmpty() || !env.isEmpty() || !handleParams.isEmpty()) {
        throw new CliException("--env, --handle-param and a command after -- need --upstream NAME");
      }
      KeyholeMcpServer server;
      try {
        server = b.build();
      } catch (KeyholeException e) {
        throw new CliException(e.getMessage());
      }
      Thread hook = new Thread(server::close, "keyhole-mcp-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        if (!http) {
          server.serveStdio(System.in, System.out);
          return 0;
        }
        McpHttpOptions.Builder o = McpHttpOptions.builder().host(host).port(port);
        if (tokenFile != null) {
          o.tokenFile(ctx.resolve(tokenFile));
        }
        origins.forEach(o::allowOrigin);
        McpHttpOptions options = o.build();
        McpHttpEndpoint endpoint = server.serveHttp(options);
        ctx.err().println("keyhole: MCP server listening on " + endpoint.url());
        if (options.generatedToken()) {
          ctx.err().println("keyhole: bearer token (shown once; send 'Authorization: Bearer"
              + " <token>'): " + endpoint.bearerToken());
        } else {
          ctx.err().println("keyhole: bearer token: the one in " + tokenFile);
        }
        ctx.err().flush();
        new CountDownLatch(1).await();
        return 0;
      } catch (KeyholeException e) {
        server.close();
        throw new CliException(e.getMessage());
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or has run
        }
        server.close();
      }
    }

    private McpUpstream upstream() {
      if (command.isEmpty()) {
        throw new CliException("--upstream " + upstream + " needs the server's command after --,"
            + " e.g. -- npx -y @modelcontextprotocol/server-github");
      }
      McpUpstream.Builder u = McpUpstream.builder(upstream).command(command);
      for (String e : env) {
        String[] kv = e.split("=", 2);
        if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
          throw new CliException("--env takes VAR=HANDLE, e.g. GITHUB_TOKEN=github_token");
        }
        u.env(kv[0], kv[1]);
      }
      for (String p : handleParams) {
        int dot = p.indexOf('.');
        if (dot <= 0 || dot == p.length() - 1) {
          throw new CliException("--handle-param takes TOOL.PARAM, e.g. create_issue.token");
        }
        u.handleParameters(p.substring(0, dot), p.substring(dot + 1));
      }
      for (String p : destinationParams) {
        String[] kv = p.split("=", 2);
        if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
          throw new CliException("--destination-param takes TOOL=PARAM, e.g. fetch=url");
        }
        u.destinationParameter(kv[0], kv[1]);
      }
      if (!inherit.isEmpty()) {
        u.inherit(inherit.toArray(String[]::new));
      }
      return u.build();
    }
  }
}
