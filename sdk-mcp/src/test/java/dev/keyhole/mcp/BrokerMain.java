package dev.keyhole.mcp;

import dev.keyhole.Keyhole;
import dev.keyhole.Policy;
import dev.keyhole.audit.JsonLinesAuditSink;
import dev.keyhole.providers.EnvProvider;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The Keyhole MCP server as a stdio child for tests with external clients:
 * {@code BrokerMain POLICY AUDIT [NAME VAR=handle TOOL.PARAM -- upstream command...]}. Values come
 * from the environment ({@code env:} references), audit goes to a JSON-lines file.
 */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) {
    KeyholeMcpServer.Builder b = KeyholeMcpServer.builder(Keyhole.builder()
        .provider(EnvProvider.create())
        .policy(Policy.load(Path.of(args[0])))
        .auditSink(JsonLinesAuditSink.toFile(Path.of(args[1]))));
    if (args.length > 2) {
      int dash = Arrays.asList(args).indexOf("--");
      List<String> command = Arrays.asList(args).subList(dash + 1, args.length);
      McpUpstream.Builder up = McpUpstream.builder(args[2]).command(command)
          .inherit("PATH", "HOME", "ECHO_PIDS", "ECHO_SPAWN_CHILD", "ECHO_LOG");
      String[] env = args[3].split("=", 2);
      up.env(env[0], env[1]);
      String[] param = args[4].split("\\.", 2);
      up.handleParameters(param[0], param[1]);
      b.upstream(up.build()).tools();
    }
    b.build().serveStdio(System.in, System.out);
    System.exit(0);
  }
}
