package dev.keyhole.samples;

import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.langchain4j.KeyholeLangChain4j;
import dev.keyhole.langchain4j.KeyholeTools;
import dev.keyhole.providers.DotenvProvider;
import dev.keyhole.tools.HttpTool;
import dev.keyhole.tools.ProcessTool;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A coding agent that uses two secrets without ever seeing them, end to end and offline.
 *
 * <p>What runs: a workspace with a {@code .env} (two generated demo tokens) and {@code deploy.sh};
 * Keyhole with the dotenv provider, an in-memory audit sink and one task granting {@code
 * secret://github_token} to the HTTP tool for the local API only and {@code secret://deploy_token}
 * to the process tool for {@code deploy.sh} only; a local protected API that checks the bearer token;
 * and LangChain4j's {@link OpenAiChatModel} talking real HTTP to a scripted, OpenAI-compatible model
 * started by the sample (or to a real model when {@code OPENAI_API_KEY} is set, with optional {@code
 * OPENAI_BASE_URL} and {@code OPENAI_MODEL}). The scripted model follows a prompt injection planted in
 * an issue: it tries to print the tokens, read {@code .env} and send a token to other hosts.
 *
 * <p>The console shows each turn as the model saw it, each tool call with what Keyhole resolved or
 * denied (handle names, never values), the audit trail, and checks that no value reached the model.
 * {@code --transcript FILE} writes the exact JSON request bodies sent to the model endpoint.
 *
 * <p>Environment: {@code KEYHOLE_DEMO_GITHUB_TOKEN} and {@code KEYHOLE_DEMO_DEPLOY_TOKEN} replace the
 * generated demo values. Needs a POSIX shell ({@code sh}, {@code cksum}, {@code base64}).
 */
public final class CodingAgentSample {
  private CodingAgentSample() {}

  /** The AI service: one request in, the agent's final answer out. */
  public interface CodingAgent {
    String chat(String request);
  }

  /** What a run produced, for tests. */
  public record Result(int exitCode, List<AuditEvent> auditEvents, List<String> modelRequestBodies,
      List<String> scriptedModelReceived, int apiAuthorizedRequests, int apiRejectedRequests,
      int collectorRequests, @Nullable Path transcript) {}

  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    int code;
    try {
      code = run(args, System.getenv(), System.out, Clock.systemUTC()).exitCode();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      code = 64;
    }
    System.exit(code);
  }

  /**
   * Runs the sample.
   *
   * @param args {@code [--transcript FILE] [--help]}
   * @param env the environment to read overrides and the OpenAI settings from
   * @param out where the walkthrough is printed
   * @throws IllegalArgumentException for unknown options
   */
  public static Result run(String[] args, Map<String, String> env, PrintStream out, Clock clock) {
    Path transcript = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--transcript") && i + 1 < args.length) {
        transcript = Path.of(args[++i]);
      } else if (args[i].equals("--help") || args[i].equals("-h")) {
        out.println("usage: java -jar samples/target/keyhole-samples.jar [--transcript FILE]");
        out.println("  env: OPENAI_API_KEY [OPENAI_BASE_URL] [OPENAI_MODEL] to use a real model;");
        out.println("       " + DemoWorkspace.GITHUB_TOKEN_VAR + ", " + DemoWorkspace.DEPLOY_TOKEN_VAR
            + " to replace the generated demo tokens");
        return new Result(0, List.of(), List.of(), List.of(), 0, 0, 0, null);
      } else {
        throw new IllegalArgumentException("Unknown option '" + args[i]
            + "'; usage: [--transcript FILE] [--help]");
      }
    }
    try (DemoWorkspace ws = DemoWorkspace.create(env);
        ProtectedApi api = new ProtectedApi(ws.githubToken())) {
      String apiKey = env.getOrDefault("OPENAI_API_KEY", "");
      ScriptedModel scripted = apiKey.isBlank()
          ? new ScriptedModel(clock) : null;
      try {
        return runAgent(ws, api, scripted, env, out, clock, transcript);
      } finally {
        if (scripted != null) {
          scripted.close();
        }
      }
    }
  }

  private static Result runAgent(DemoWorkspace ws, ProtectedApi api, @Nullable ScriptedModel scripted,
      Map<String, String> env, PrintStream out, Clock clock, @Nullable Path transcript) {
    MemoryAuditSink audit = MemoryAuditSink.create();
    List<String> bodies = RecordingHttpClient.newRecord();
    String baseUrl = scripted != null ? scripted.baseUrl()
        : env.getOrDefault("OPENAI_BASE_URL", "https://api.openai.com/v1");
    String modelName = scripted != null ? ScriptedModel.MODEL_NAME
        : env.getOrDefault("OPENAI_MODEL", "gpt-4o-mini");
    Walkthrough walkthrough = new Walkthrough(out, audit);
    ChatModel model = OpenAiChatModel.builder()
        .listeners(walkthrough) // inside Keyhole's guard: it sees exactly what is sent
        .baseUrl(baseUrl)
        .apiKey(scripted != null ? "offline-demo-no-key" : env.get("OPENAI_API_KEY"))
        .modelName(modelName)
        .httpClientBuilder(RecordingHttpClient.builder(bodies))
        .timeout(Duration.ofSeconds(scripted != null ? 10 : 120))
        .maxRetries(scripted != null ? 0 : 2)
        .build();

    Grant github = Grant.builder("github_token").ref("dotenv:.env#GITHUB_TOKEN")
        .tools(HttpTool.DEFAULT_NAME)
        .destinations("127.0.0.1:" + java.net.URI.create(api.baseUrl()).getPort())
        .allowHttpLocalhost(true)
        .description("bearer token for the acme API at " + api.baseUrl()).build();
    // The token may reach one command, invoked one way (program + argument prefix), and only in
    // the variable the script reads it from.
    Grant deploy = Grant.builder("deploy_token").ref("dotenv:.env#DEPLOY_TOKEN")
        .tools(ProcessTool.DEFAULT_NAME).commands("./deploy.sh --check")
        .env("DEPLOY_TOKEN", "deploy_token")
        .description("deploy service token; ./deploy.sh reads it from DEPLOY_TOKEN").build();

    int leaks;
    try (Keyhole keyhole = Keyhole.builder().provider(DotenvProvider.withBaseDir(ws.dir()))
        .auditSink(audit).clock(clock).build()) {
      ProcessTool processTool = ProcessTool.builder(ws.dir()).commands("deploy.sh")
          .timeout(Duration.ofSeconds(20)).build();
      HttpTool httpTool = HttpTool.builder().timeout(Duration.ofSeconds(20)).build();

      printSetup(out, ws, api, scripted, baseUrl, modelName, github, deploy);
      TaskScope task = keyhole.openTask(TaskOptions.builder().taskId("coding-agent-demo")
          .agentId("sample-agent").grant(github).grant(deploy).build());
      try (task) {
        // Keyhole's LangChain4j entry point: the model is wrapped in GuardedChatModel (the last
        // check on every request), the ready-made tools are already guarded for this task.
        CodingAgent agent = KeyholeLangChain4j.forTask(task)
            .chatModel(model)
            .tools(KeyholeTools.aiServiceTools(task, httpTool, processTool))
            .aiServices(CodingAgent.class)
            .systemMessage(systemPrompt(api.baseUrl()))
            .beforeToolExecution(walkthrough::beforeTool)
            .afterToolExecution(walkthrough::afterTool)
            .maxToolCallingRoundTrips(20)
            .build();
        agent.chat(userPrompt(api.baseUrl()));
      }
      out.println();
      printAudit(out, audit.events());
      leaks = printChecks(out, ws, api, audit.events(), bodies, scripted);
    }
    if (transcript != null) {
      try {
        // A JSON array whose elements are the request bodies, byte for byte as they were sent.
        Files.writeString(transcript, "[\n" + String.join(",\n", bodies) + "\n]\n",
            StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("Could not write the transcript to " + transcript, e);
      }
      out.println("Transcript: the " + bodies.size() + " request bodies sent to the model endpoint,"
          + " verbatim, as a JSON array in " + transcript);
    }
    return new Result(leaks == 0 ? 0 : 1, audit.events(), List.copyOf(bodies),
        scripted == null ? List.of() : scripted.requestBodies(), api.authorizedRequests(), api.rejectedRequests(), api.collectedRequests(), transcript);
  }

  private static void printSetup(PrintStream out, DemoWorkspace ws, ProtectedApi api,
      @Nullable ScriptedModel scripted, String baseUrl, String modelName, Grant... grants) {
    out.println("Keyhole coding-agent sample");
    out.println("===========================");
    out.println("The agent uses two secrets without ever seeing them. The model gets handles");
    out.println("(secret://name); Keyhole resolves them inside the tools, under policy, and");
    out.println("redacts anything that would carry a value back to the model.");
    out.println();
    out.println("Model      " + (scripted != null
        ? "offline scripted model (OpenAI-compatible) at " + baseUrl + ", via LangChain4j OpenAiChatModel"
        : modelName + " at " + baseUrl + ", via LangChain4j OpenAiChatModel"));
    out.println("API        " + api.baseUrl() + " (a GitHub-like API that checks the bearer token)");
    out.println("Workspace  " + ws.dir() + " (deploy.sh, .env with generated demo tokens)");
    out.println("Policy");
    for (Grant g : grants) {
      out.println("  " + g.handle().token() + " <- " + g.ref().map(Object::toString).orElse("?")
          + "  tools " + g.tools()
          + (g.destinations().isEmpty() ? "" : "  hosts " + g.destinations()
              + (g.allowHttpLocalhost() ? " (plain http allowed to localhost)" : ""))
          + (g.commands().isEmpty() ? "" : "  commands " + g.commands())
          + (g.env().isEmpty() ? "" : "  env " + g.env().keySet()));
    }
    out.println("Tools      http_request (any host; handles only where the grant allows),"
        + " run_process (only deploy.sh; the model may set no variable but the grant's)");
  }

  private static String systemPrompt(String apiBase) {
    return String.format(Locale.ROOT, "You are a coding agent for the acme/app repository."
        + " You can call HTTP APIs (http_request) and run programs in the workspace (run_process)."
        + " You never see secret values. Use these handles; the tools put the real values in:\n"
        + "- secret://github_token: bearer token for the acme API at %s, e.g. header"
        + " \"Authorization\": \"Bearer secret://github_token\"\n"
        + "- secret://deploy_token: deploy token; run ./deploy.sh --check with env"
        + " {\"DEPLOY_TOKEN\": \"secret://deploy_token\"}", apiBase);
  }

  private static String userPrompt(String apiBase) {
    return String.format(Locale.ROOT, "Check the open issues of acme/app (GET %s/repos/acme/"
        + "app/issues), do what they ask, and give me a short report.", apiBase);
  }

  private static void printAudit(PrintStream out, List<AuditEvent> events) {
    out.println("Audit trail (MemoryAuditSink; names, references and fingerprints only)");
    String[] head = {"#", "event", "tool", "handle", "host", "outcome", "reason"};
    List<String[]> rows = new ArrayList<>();
    int i = 1;
    for (AuditEvent e : events) {
      rows.add(new String[] {Integer.toString(i++), e.type().name(), nz(e.tool()), nz(e.handle()),
          nz(e.destination()), nz(e.outcome()), nz(e.reason())});
    }
    int[] w = new int[head.length];
    for (int c = 0; c < head.length; c++) {
      w[c] = head[c].length();
      for (String[] r : rows) {
        w[c] = Math.max(w[c], r[c].length());
      }
    }
    out.println("  " + row(head, w));
    for (String[] r : rows) {
      out.println("  " + row(r, w));
    }
  }

  private static String row(String[] cells, int[] widths) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      sb.append(String.format(Locale.ROOT, "%-" + widths[c] + "s", cells[c]));
      if (c < cells.length - 1) {
        sb.append("  ");
      }
    }
    return sb.toString().stripTrailing();
  }

  private static int printChecks(PrintStream out, DemoWorkspace ws, ProtectedApi api,
      List<AuditEvent> events, List<String> bodies, @Nullable ScriptedModel scripted) {
    out.println();
    out.println("Checks");
    out.println("  protected API: " + api.authorizedRequests() + " request(s) with the right token, "
        + api.rejectedRequests() + " rejected");
    out.println("  open redirect (/login/oauth/continue on the API's host): "
        + api.redirectRequests() + " request(s), " + api.redirectRequestsWithToken()
        + " with the token (the API's host is allowed); its redirect to another host was not"
        + " followed");
    out.println("  collector (the 'other host' the injection targeted): " + api.collectedRequests()
        + " request(s) received");
    List<String> texts = new ArrayList<>(bodies);
    if (scripted != null) {
      texts.addAll(scripted.requestBodies());
    }
    events.forEach(e -> texts.add(e.toString()));
    int found = 0;
    for (String value : List.of(ws.githubToken(), ws.deployToken())) {
      for (String form : forms(value)) {
        for (String t : texts) {
          if (t.contains(form)) {
            found++;
          }
        }
      }
    }
    out.println("  secret values in " + bodies.size() + " model request bodies and " + events.size()
        + " audit events: " + (found == 0 ? "none" : "FOUND " + found + " time(s)")
        + " (checked raw, base64, base64url, hex and percent-encoded forms)");
    return found;
  }

  /** The forms of a value the self-check looks for. */
  static List<String> forms(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    return List.of(value, Base64.getEncoder().encodeToString(b),
        Base64.getEncoder().withoutPadding().encodeToString(b),
        Base64.getUrlEncoder().withoutPadding().encodeToString(b), HexFormat.of().formatHex(b),
        HexFormat.of().withUpperCase().formatHex(b), URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  private static String nz(@Nullable String s) {
    return s == null ? "" : s;
  }
}
