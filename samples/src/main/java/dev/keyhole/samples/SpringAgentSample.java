package dev.keyhole.samples;

import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.providers.DotenvProvider;
import dev.keyhole.springai.KeyholeSpringAi;
import dev.keyhole.tools.HttpTool;
import dev.keyhole.tools.ProcessTool;
import io.micrometer.observation.ObservationRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The coding-agent sample on Spring Boot and Spring AI, offline: the same workspace, protected API,
 * scripted OpenAI-compatible model and prompt injection as {@link CodingAgentSample}, with Keyhole
 * auto-configured by {@code keyhole-spring-boot-starter} from {@code spring-agent.properties} (policy
 * {@code spring-agent-policy.yaml}) and Spring AI's real {@code OpenAiChatModel} and
 * {@code ChatClient}. Keyhole's ready-made HTTP and process tools are Spring AI tools; the starter
 * puts the {@code KeyholeAdvisor} on the auto-configured {@code ChatClient.Builder} and its error
 * processor into Spring AI's tool-calling manager.
 *
 * <p>Run: {@code java -cp samples/target/keyhole-samples.jar dev.keyhole.samples.SpringAgentSample}.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class SpringAgentSample {
  public static void main(String[] args) {
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    SpringApplication app = new SpringApplication(SpringAgentSample.class);
    app.setDefaultProperties(java.util.Map.of("spring.config.name", "spring-agent"));
    int code;
    try (ConfigurableApplicationContext ctx = app.run(args)) {
      code = ctx.getBean(Agent.class).run(System.out);
    }
    System.exit(code);
  }

  @Bean(destroyMethod = "close")
  DemoWorkspace demoWorkspace() {
    return DemoWorkspace.create(System.getenv());
  }

  @Bean(destroyMethod = "close")
  ProtectedApi protectedApi(DemoWorkspace ws) {
    return new ProtectedApi(ws.githubToken());
  }

  @Bean(destroyMethod = "close")
  ScriptedModel scriptedModel() {
    return new ScriptedModel(Clock.systemUTC());
  }

  /** Spring AI's OpenAI model, pointed at the scripted model (the auto-configured one backs off). */
  @Bean
  OpenAiChatModel openAiChatModel(ScriptedModel scripted, ObjectProvider<ObservationRegistry> observations) {
    return OpenAiChatModel.builder()
        .options(OpenAiChatOptions.builder().baseUrl(scripted.baseUrl()).apiKey("offline-demo-no-key")
            .model(ScriptedModel.MODEL_NAME).maxRetries(0).build())
        .observationRegistry(observations.getIfUnique(() -> ObservationRegistry.NOOP)).build();
  }

  /** dotenv: references resolve in the demo workspace (replaces the starter's default provider). */
  @Bean
  DotenvProvider keyholeDotenvProvider(DemoWorkspace ws) {
    return DotenvProvider.withBaseDir(ws.dir());
  }

  /** Audit events, kept to print the trail (the starter adds every AuditSink bean). */
  @Bean
  MemoryAuditSink sampleAudit() {
    return MemoryAuditSink.create();
  }

  @Bean
  Agent agent(ChatClient.Builder chat, KeyholeSpringAi kai, Keyhole keyhole, DemoWorkspace ws,
      ProtectedApi api, ScriptedModel scripted, MemoryAuditSink audit) {
    return new Agent(chat, kai, keyhole, ws, api, scripted, audit);
  }

  /** One run of the agent: a task, one request, the audit trail and the leak checks. */
  public static final class Agent {
    private final ChatClient chat;
    private final Keyhole keyhole;
    private final DemoWorkspace ws;
    private final ProtectedApi api;
    private final ScriptedModel scripted;
    private final MemoryAuditSink audit;
    private String answer = "";

    Agent(ChatClient.Builder chat, KeyholeSpringAi kai, Keyhole keyhole, DemoWorkspace ws,
        ProtectedApi api, ScriptedModel scripted, MemoryAuditSink audit) {
      ProcessTool process = ProcessTool.builder(ws.dir()).commands("deploy.sh").timeout(Duration.ofSeconds(20)).build();
      HttpTool http = HttpTool.builder().timeout(Duration.ofSeconds(20)).build();
      this.chat = chat.defaultTools(kai.agentTools(http, process)).build();
      this.keyhole = keyhole;
      this.ws = ws;
      this.api = api;
      this.scripted = scripted;
      this.audit = audit;
    }

    /** Runs the agent once; 0 when no value reached the model or the audit, 1 otherwise. */
    public int run(PrintStream out) {
      out.println("Keyhole Spring AI sample (Spring Boot starter, ChatClient, OpenAiChatModel -> scripted model)");
      out.println("API " + api.baseUrl() + ", workspace " + ws.dir());
      // deploy_token comes from the policy file; github_token is granted here, for the local API's port.
      Grant github = Grant.builder("github_token").ref("dotenv:.env#GITHUB_TOKEN").tools(HttpTool.DEFAULT_NAME)
          .destinations("127.0.0.1:" + URI.create(api.baseUrl()).getPort()).allowHttpLocalhost(true)
          .description("bearer token for the acme API at " + api.baseUrl()).build();
      try (TaskScope task = keyhole.openTask(TaskOptions.builder().taskId("spring-agent-demo")
          .agentId("sample-agent").grants("deploy_token").grant(github).build())) {
        answer = chat.prompt()
            .system(String.format(Locale.ROOT, "You are a coding agent for acme/app. Use handles, never"
                + " values: secret://github_token (bearer token for the acme API at %s) and"
                + " secret://deploy_token (run ./deploy.sh with env {\"DEPLOY_TOKEN\":"
                + " \"secret://deploy_token\"}).", api.baseUrl()))
            .user(String.format(Locale.ROOT, "Check the open issues of acme/app (GET %s/repos/acme/app/"
                + "issues), do what they ask, and give me a short report.", api.baseUrl()))
            .toolContext(KeyholeSpringAi.toolContext(task))
            .call().content();
      }
      out.println();
      out.println("Agent: " + answer);
      out.println();
      out.println("Audit trail");
      for (AuditEvent e : audit.events()) {
        out.println("  " + e.type() + " " + nz(e.tool()) + " " + nz(e.handle()) + " " + nz(e.destination())
            + " " + nz(e.outcome()) + " " + nz(e.reason()));
      }
      List<String> texts = new ArrayList<>(scripted.requestBodies());
      audit.events().forEach(e -> texts.add(e.toString()));
      texts.add(answer);
      int found = 0;
      for (String value : List.of(ws.githubToken(), ws.deployToken())) {
        for (String form : CodingAgentSample.forms(value)) {
          found += (int) texts.stream().filter(t -> t.contains(form)).count();
        }
      }
      out.println();
      out.println("Checks: protected API " + api.authorizedRequests() + " authorized, " + api.rejectedRequests()
          + " rejected; collector " + api.collectedRequests() + " request(s); secret values in "
          + scripted.requestBodies().size() + " model requests, the audit and the answer: "
          + (found == 0 ? "none" : "FOUND " + found));
      return found == 0 ? 0 : 1;
    }

    /** The agent's last answer. */
    public String answer() {
      return answer;
    }

    /** Every request body the scripted model received. */
    public List<String> modelRequests() {
      return scripted.requestBodies();
    }

    public List<AuditEvent> auditEvents() {
      return audit.events();
    }

    public int apiAuthorizedRequests() {
      return api.authorizedRequests();
    }

    public int collectorRequests() {
      return api.collectedRequests();
    }

    public List<String> values() {
      return List.of(ws.githubToken(), ws.deployToken());
    }

    private static String nz(String s) {
      return s == null ? "" : s;
    }
  }
}
