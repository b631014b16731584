package dev.keyhole.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official TypeScript MCP inspector CLI ({@code @modelcontextprotocol/inspector-cli}, the
 * version pinned in the parent POM) lists and calls the broker's tools over stdio. The CLI lives in
 * a cache folder ({@code $KEYHOLE_NODE_CACHE}, default {@code ~/.cache/keyhole-node}) that {@code
 * .ci/run} fills; the test installs it there itself when it is missing. Skipped, visibly, only
 * where {@code node} is not installed.
 */
class InspectorCliTest {
  static final String VERSION = System.getProperty("keyhole.inspectorCli.version", "1.0.3");

  @TempDir Path dir;
  final Planted planted = new Planted();
  WireMockServer api;
  Path policy;
  Path audit;

  @BeforeEach
  void start() throws IOException {
    api = TestApi.start();
    policy = dir.resolve("policy.yaml");
    audit = dir.resolve("audit.jsonl");
    Files.writeString(policy, """
        version: 1
        handles:
          api_token:
            ref: env:KH_TEST_API
            tools: [http_request]
            destinations: ["localhost:%d"]
            allowHttpLocalhost: true
        """.formatted(api.port()));
  }

  @AfterEach
  void stop() {
    api.stop();
  }

  static Path cacheDir() {
    String env = System.getenv("KEYHOLE_NODE_CACHE");
    return env != null && !env.isBlank() ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "keyhole-node");
  }

  static Path inspectorScript() throws IOException, InterruptedException {
    if (!run(List.of("node", "--version"), null)) {
      abort("SKIPPED: node is not installed, so the MCP inspector CLI test cannot run;"
          + " install Node.js 18+ to run it");
    }
    Path cache = cacheDir();
    Path script = cache.resolve("node_modules/@modelcontextprotocol/inspector-cli/build/index.js");
    Path pkg = cache.resolve("node_modules/@modelcontextprotocol/inspector-cli/package.json");
    Files.createDirectories(cache);
    if (!Files.exists(cache.resolve("package.json"))) {
      Files.writeString(cache.resolve("package.json"), "{\"private\": true}\n");
    }
    if (!Files.exists(pkg) || !Files.readString(pkg).contains("\"version\": \"" + VERSION + "\"")) {
      assertThat(run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix",
          cache.toString(), "@modelcontextprotocol/inspector-cli@" + VERSION), cache))
          .as("npm install of the inspector CLI into " + cache).isTrue();
    }
    return script;
  }

  private static boolean run(List<String> cmd, Path cwd) throws IOException, InterruptedException {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      if (cwd != null) {
        pb.directory(cwd.toFile());
      }
      Process p = pb.start();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private String inspector(Path script, Path in, Path out, String... methodArgs)
      throws IOException, InterruptedException {
    // node index.js PROGRAM --method ... -- PROGRAM_ARGS...: the target goes first (the tool
    // arguments are variadic), its own arguments after '--'
    List<String> server = TestProcesses.tappedBroker(in, out, policy, audit);
    List<String> cmd = new ArrayList<>(List.of("node", script.toString(), server.get(0)));
    cmd.addAll(List.of(methodArgs));
    cmd.add("--");
    cmd.addAll(server.subList(1, server.size()));
    Path stdout = dir.resolve("inspector-out.txt");
    // inspector-cli 1.0.3 tests for "../package.json" relative to the working directory but
    // imports it relative to its own file: run it from a folder whose parent has a package.json
    Path cwd = Files.createDirectories(cacheDir().resolve("run"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(stdout.toFile())
        .redirectError(dir.resolve("inspector-err.txt").toFile()).directory(cwd.toFile());
    pb.environment().put("KH_TEST_API", planted.api);
    Process p = pb.start();
    try {
      assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("inspector CLI finished").isTrue();
    } finally {
      p.destroyForcibly();
    }
    String result = Files.readString(stdout, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(result + Files.readString(dir.resolve("inspector-err.txt")))
        .isZero();
    return result;
  }

  @Test
  void officialInspectorCli_listsAndCallsTheBrokersTools_overStdio() throws Exception {
    Path script = inspectorScript();
    Path in = dir.resolve("in.jsonl");
    Path out = dir.resolve("out.jsonl");
    String tools = inspector(script, in, out, "--method", "tools/list");
    assertThat(tools).contains("\"list_handles\"", "\"http_request\"");

    String handles = inspector(script, in, out, "--method", "tools/call",
        "--tool-name", "list_handles");
    assertThat(handles).contains("secret://api_token");

    String called = inspector(script, in, out, "--method", "tools/call",
        "--tool-name", "http_request",
        "--tool-arg", "url=http://localhost:" + api.port() + "/user",
        "--tool-arg", "headers={\"Authorization\":\"Bearer secret://api_token\"}");
    assertThat(called).contains("HTTP 200", "Bearer secret://api_token", "octo")
        .doesNotContain("\"isError\": true");
    api.verify(1, getRequestedFor(urlPathEqualTo("/user"))
        .withHeader("Authorization", equalTo("Bearer " + planted.api)));

    planted.assertAbsent("the inspector's output", tools + handles + called);
    planted.assertAbsent("the stdio transport", Files.readString(in) + Files.readString(out));
    planted.assertAbsent("the audit log", Files.readString(audit));
    assertThat(Files.readString(audit)).contains("TASK_CLOSED");
  }
}
