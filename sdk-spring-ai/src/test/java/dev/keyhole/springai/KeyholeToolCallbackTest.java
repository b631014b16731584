package dev.keyhole.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.ConfigurationException;
import dev.keyhole.TaskScope;
import dev.keyhole.testkit.LeakAssertions;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.definition.DefaultToolDefinition;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.ai.tool.metadata.ToolMetadata;

class KeyholeToolCallbackTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  /** Like an MCP tool callback: forwards whatever tool context it gets (as MCP request meta). */
  static final class Forwarding implements ToolCallback {
    final Map<String, Object> contextSeen = new HashMap<>();
    final StringBuilder inputs = new StringBuilder();

    @Override
    public ToolDefinition getToolDefinition() {
      return DefaultToolDefinition.builder().name("create_issue").description("Creates an issue")
          .inputSchema("{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"},"
              + "\"auth\":{\"type\":\"object\",\"properties\":{\"token\":{\"type\":\"string\","
              + "\"description\":\"API token\"}}}},\"required\":[\"title\"]}")
          .build();
    }

    @Override
    public ToolMetadata getToolMetadata() {
      return ToolMetadata.builder().returnDirect(true).build();
    }

    @Override
    public String call(String toolInput) {
      return call(toolInput, null);
    }

    @Override
    public String call(String toolInput, @Nullable ToolContext toolContext) {
      inputs.append(toolInput);
      if (toolContext != null) {
        contextSeen.putAll(toolContext.getContext());
      }
      return "created with " + toolInput;
    }
  }

  @Test
  void wrap_keepsNameDescriptionAndReturnDirect_andRewritesOnlyTheHandleParameter() {
    KeyholeSpringAi kai = KeyholeSpringAi.builder(h.keyhole).handleParameters("create_issue", "auth.token").build();
    Forwarding mcp = new Forwarding();
    ToolCallbackProvider provider = kai.wrap(() -> new ToolCallback[] {mcp});
    ToolCallback guarded = provider.getToolCallbacks()[0];
    h.plant("gh");
    try (TaskScope task = h.open("t1", Harness.grant("gh", "create_issue"))) {
      ToolDefinition d = ((KeyholeToolCallback) guarded).forTask(task).getToolDefinition();
      assertThat(d.name()).isEqualTo("create_issue");
      assertThat(d.description()).isEqualTo("Creates an issue");
      assertThat(guarded.getToolMetadata().returnDirect()).isTrue();
      JsonNode schema = OpenAiWire.tree(d.inputSchema());
      JsonNode token = schema.path("properties").path("auth").path("properties").path("token");
      assertThat(token.path("enum").toString()).isEqualTo("[\"secret://gh\"]");
      assertThat(token.path("description").asText()).startsWith("API token. A Keyhole secret handle");
      assertThat(schema.path("properties").path("title").toString()).isEqualTo("{\"type\":\"string\"}");
      assertThat(schema.path("required").toString()).isEqualTo("[\"title\"]");
    }
  }

  @Test
  void theWrappedToolNeverSeesTheTaskInItsToolContext_andGetsTheValue() {
    KeyholeSpringAi kai = KeyholeSpringAi.builder(h.keyhole).handleParameters("create_issue", "auth.token").build();
    Forwarding mcp = new Forwarding();
    KeyholeToolCallback guarded = kai.wrap(mcp);
    String value = h.plant("gh");
    try (TaskScope task = h.open("t1", Harness.grant("gh", "create_issue"))) {
      Map<String, Object> ctx = new HashMap<>(KeyholeSpringAi.toolContext(task));
      ctx.put("tenant", "acme");
      String result = guarded.call("{\"title\":\"t\",\"auth\":{\"token\":\"secret://gh\"}}", new ToolContext(ctx));

      assertThat(mcp.contextSeen).containsOnlyKeys("tenant");
      assertThat(mcp.inputs.toString()).contains(value);
      assertThat(result).contains("secret://gh").doesNotContain(value);
    }
  }

  @Test
  void denial_isAToolExecutionExceptionWhoseCauseHasNoCause() {
    KeyholeSpringAi kai = KeyholeSpringAi.builder(h.keyhole).handleParameters("create_issue", "auth.token").build();
    KeyholeToolCallback guarded = kai.wrap(new Forwarding());
    h.plant("gh");
    try (TaskScope task = h.open("t1", Harness.grant("gh", "other_tool"))) {
      assertThatThrownBy(() -> guarded.call("{\"title\":\"t\",\"auth\":{\"token\":\"secret://gh\"}}",
              new ToolContext(KeyholeSpringAi.toolContext(task))))
          .isInstanceOf(ToolExecutionException.class)
          .cause().isInstanceOf(KeyholeToolException.class).hasNoCause()
          .hasMessageContaining("tool_not_allowed");
    }
  }

  @Test
  void exceptionProcessor_redactsAnUnguardedToolsError_andNeverReturnsTheCause() {
    String value = h.plant("gh");
    try (TaskScope task = h.open("t1", Harness.grant("gh", "x"))) {
      Harness.use(task, "x", "gh");
      ToolDefinition d = DefaultToolDefinition.builder().name("plain").description("d").inputSchema("{}").build();
      RuntimeException inner = new IllegalStateException("inner " + value);
      String text = h.kai.exceptionProcessor().process(
          new ToolExecutionException(d, new RuntimeException("outer " + value, inner)));
      assertThat(text).contains("outer secret://gh").doesNotContain("inner");
      LeakAssertions.assertNoLeak("processor output", text, value);
    }
  }

  static final class BadTools {
    @Tool(description = "x")
    String wrongType(@Secret StringBuilder token) {
      return "";
    }
  }

  @Test
  void secretParameterThatIsNotAString_isRefusedWithAClearMessage() {
    assertThatThrownBy(() -> h.kai.tools(new BadTools()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("declare it as String");
  }

  @Test
  void toolsWithoutHandles_runWithoutATask_andTheirResultsAreStillRedacted() {
    String schema = h.kai.tools(h.repoTools).getToolCallbacks()[0].getToolDefinition().inputSchema();
    assertThat(schema).doesNotContain("dev.keyhole").doesNotContain("enum");
    ToolCallback time = java.util.Arrays.stream(h.kai.tools(h.repoTools).getToolCallbacks())
        .filter(c -> c.getToolDefinition().name().equals("time")).findFirst().orElseThrow();
    assertThat(time.call("{\"zone\":\"UTC\"}")).contains("noon");
  }
}
