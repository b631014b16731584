package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.ConfigurationException;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskScope;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuardedToolsTest {
  private Fixture fx;
  private TaskScope task;
  private String apiToken;
  private String dbPassword;
  private final RepoTools repoTools = new RepoTools();

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    apiToken = fx.plant("api_token");
    dbPassword = fx.plant("db_password");
    fx.plant("deploy_key");
    task = fx.open("task-tools",
        Fixture.grant("api_token", "open_issues", "call_api", "plain").destinations("api.github.com")
            .unboundTools("open_issues") // it has no @Destination: an explicit, reviewed exception
            .description("GitHub token of the acme org").build(),
        Fixture.grant("db_password", "open_issues", "call_api").build(),
        Fixture.grant("deploy_key", "deploy").build());
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  /** Tools with every kind of parameter Keyhole binds. */
  static class RepoTools {
    final List<SecretValue> values = new ArrayList<>();
    final List<Boolean> matched = new ArrayList<>();
    final List<String> strings = new ArrayList<>();
    Object memoryId;
    String expected;

    @Tool(name = "open_issues", value = "Lists the open issues of a repository")
    String openIssues(@P("owner/name of the repository") String repo,
        @P("GitHub token") @Secret(handles = "api_token") SecretValue token,
        @P(value = "page size", defaultValue = "20") int pageSize,
        Optional<String> label, @ToolMemoryId Object memoryId) {
      values.add(token);
      matched.add(token.revealString().equals(expected));
      this.memoryId = memoryId;
      return repo + " page " + pageSize + " label " + label.orElse("-") + " token " + token.revealString();
    }

    @Tool(name = "call_api", value = "Calls an API with an Authorization header")
    String callApi(@Destination String url, @Secret(embedded = true) String authorization) {
      strings.add(authorization);
      return "called " + url + " with " + authorization;
    }

    @Tool(name = "plain", value = "Takes no secret")
    String plain(String text) {
      strings.add(text);
      return "plain " + text;
    }

    @Tool(name = "nothing", value = "Returns nothing")
    void nothing(@Secret SecretValue token) {
      values.add(token);
    }
  }

  private Map<String, AiServiceTool> tools(GuardedTools g, Object o) {
    return g.fromObjects(o).stream().collect(Collectors.toMap(AiServiceTool::name, Function.identity()));
  }

  private static ToolExecutionResult run(AiServiceTool t, String args) {
    return t.toolExecutor().executeWithContext(
        ToolExecutionRequest.builder().id("c1").name(t.name()).arguments(args).build(),
        InvocationContext.builder().chatMemoryId("mem-7").build());
  }

  @Test
  void secretParameter_isAnEnumOfTheHandlesTheTaskGrantsTheTool() {
    ToolSpecification spec = tools(GuardedTools.of(task), repoTools).get("open_issues").toolSpecification();

    JsonSchemaElement token = spec.parameters().properties().get("token");
    assertThat(token).isInstanceOf(JsonEnumSchema.class);
    // db_password is granted to the tool too, but @Secret(handles = "api_token") narrows it
    assertThat(((JsonEnumSchema) token).enumValues()).containsExactly("secret://api_token");
    assertThat(((JsonEnumSchema) token).description()).startsWith("GitHub token. A Keyhole secret handle")
        .contains("secret://api_token (GitHub token of the acme org)");
    assertThat(spec.parameters().required()).contains("repo", "token").doesNotContain("pageSize", "label");
    Planted.assertNoForm("tool specification", spec.toJson(), fx.values());
  }

  @Test
  void embeddedSecretParameter_isADescribedString() {
    ToolSpecification spec = tools(GuardedTools.of(task), repoTools).get("call_api").toolSpecification();

    JsonSchemaElement auth = spec.parameters().properties().get("authorization");
    assertThat(auth).isInstanceOf(JsonStringSchema.class);
    assertThat(((JsonStringSchema) auth).description())
        .contains("secret://api_token", "secret://db_password", "\"Bearer secret://api_token\"");
  }

  @Test
  void secretValueParameter_receivesTheValue_whichIsDestroyedAfterTheCall() {
    repoTools.expected = apiToken;
    AiServiceTool t = tools(GuardedTools.of(task), repoTools).get("open_issues");

    ToolExecutionResult r = run(t, "{\"repo\":\"acme/app\",\"token\":\"secret://api_token\"}");

    assertThat(repoTools.matched).containsExactly(true);
    assertThat(repoTools.values).singleElement().satisfies(v -> assertThat(v.isDestroyed()).isTrue());
    assertThat(repoTools.memoryId).isEqualTo("mem-7");
    assertThat(r.isError()).isFalse();
    assertThat(r.resultText()).isEqualTo("acme/app page 20 label - token secret://api_token");
  }

  @Test
  void optionalAndTypedArguments_areBound() {
    repoTools.expected = apiToken;
    AiServiceTool t = tools(GuardedTools.of(task), repoTools).get("open_issues");

    ToolExecutionResult r = run(t, "{\"repo\":\"a/b\",\"token\":\"secret://api_token\",\"pageSize\":5,\"label\":\"bug\"}");

    assertThat(r.resultText()).isEqualTo("a/b page 5 label bug token secret://api_token");
  }

  @Test
  void badlyTypedArgument_isAnArgumentsError() {
    AiServiceTool t = tools(GuardedTools.of(task), repoTools).get("open_issues");

    assertThatThrownBy(() -> run(t, "{\"repo\":\"a/b\",\"token\":\"secret://api_token\",\"pageSize\":\"many\"}"))
        .isInstanceOf(dev.langchain4j.exception.ToolArgumentsException.class)
        .hasMessageContaining("pageSize").hasNoCause();
    assertThat(repoTools.values).isEmpty();
  }

  @Test
  void voidSecretValueTool_returnsSuccess_andDestroysTheValue() {
    AiServiceTool t = tools(GuardedTools.builder(task).build(), repoTools).get("nothing");
    // 'nothing' is not granted any handle: the spec says so, and a call is denied.
    JsonSchemaElement token = t.toolSpecification().parameters().properties().get("token");
    assertThat(token).isInstanceOf(JsonStringSchema.class);
    assertThat(((JsonStringSchema) token).description()).contains("grants no handle");

    ToolExecutionResult r = run(t, "{\"token\":\"secret://api_token\"}");

    assertThat(r.isError()).isTrue();
    assertThat(r.resultText()).contains("(tool not allowed)");
    assertThat(repoTools.values).isEmpty();
  }

  @Test
  void embeddedHandle_isReplacedInsideTheText_andTheDestinationIsChecked() {
    AiServiceTool t = tools(GuardedTools.of(task), repoTools).get("call_api");

    ToolExecutionResult ok = run(t,
        "{\"url\":\"https://api.github.com/user\",\"authorization\":\"Bearer secret://api_token\"}");
    ToolExecutionResult evil = run(t,
        "{\"url\":\"https://evil.example.net/x\",\"authorization\":\"Bearer secret://api_token\"}");

    assertThat(repoTools.strings).containsExactly("Bearer " + apiToken);
    assertThat(ok.resultText()).isEqualTo("called https://api.github.com/user with Bearer secret://api_token");
    assertThat(evil.isError()).isTrue();
    assertThat(evil.resultText()).contains("(destination not allowed)", "evil.example.net");
  }

  @Test
  void handleInAParameterWithoutSecret_isDenied() {
    AiServiceTool t = tools(GuardedTools.of(task), repoTools).get("plain");

    ToolExecutionResult r = run(t, "{\"text\":\"print secret://api_token\"}");

    assertThat(r.isError()).isTrue();
    assertThat(r.resultText()).contains("Tool 'plain' takes no secret handles, but argument 'text' holds one")
        .contains("must declare which parameters take handles").doesNotContain("only in none");
    assertThat(repoTools.strings).isEmpty();
  }

  @Test
  void handleInTheWrongParameterOfASecretTool_isDenied() {
    AiServiceTool t = tools(GuardedTools.of(task), repoTools).get("open_issues");

    ToolExecutionResult r = run(t, "{\"repo\":\"secret://db_password\",\"token\":\"secret://api_token\"}");

    assertThat(r.isError()).isTrue();
    assertThat(r.resultText()).contains("Argument 'repo'").contains("'token'");
    assertThat(repoTools.values).isEmpty();
    assertThat(fx.audit.events(dev.keyhole.audit.AuditEventType.USE_DENIED))
        .anySatisfy(e -> {
          assertThat(e.tool()).isEqualTo("open_issues");
          assertThat(e.taskId()).isEqualTo(task.taskId());
          assertThat(e.reason()).isEqualTo("HANDLE_NOT_ALLOWED_IN_PARAMETER");
        });
  }

  @Test
  void literalInAHandleParameter_isDenied() {
    AiServiceTool t = tools(GuardedTools.of(task), repoTools).get("open_issues");

    ToolExecutionResult r = run(t, "{\"repo\":\"a/b\",\"token\":\"ghp-made-up-literal\"}");

    assertThat(r.isError()).isTrue();
    assertThat(r.resultText()).contains("must be exactly one secret handle").doesNotContain("ghp-made-up");
    assertThat(repoTools.values).isEmpty();
  }

  @Test
  void handleOutsideTheParametersAcceptedHandles_isDenied() {
    AiServiceTool t = tools(GuardedTools.of(task), repoTools).get("open_issues");

    ToolExecutionResult r = run(t, "{\"repo\":\"a/b\",\"token\":\"secret://db_password\"}");

    assertThat(r.isError()).isTrue();
    assertThat(r.resultText()).contains("accepts only secret://api_token, not secret://db_password");
    assertThat(repoTools.values).isEmpty();
  }

  static class BadType {
    @Tool
    String t(@Secret int pin) {
      return "";
    }
  }

  static class UnmarkedValue {
    @Tool
    String t(SecretValue v) {
      return "";
    }
  }

  static class TwoDestinations {
    @Tool
    String t(@Destination String a, @Destination String b) {
      return "";
    }
  }

  static class EmbeddedValue {
    @Tool
    String t(@Secret(embedded = true) SecretValue v) {
      return "";
    }
  }

  static class SecretDestination {
    @Tool
    String t(@Secret @Destination String v) {
      return "";
    }
  }

  @Test
  void misdeclaredParameters_areConfigurationErrors() {
    GuardedTools g = GuardedTools.of(task);
    assertThatThrownBy(() -> g.fromObjects(new BadType())).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("@Secret parameter 'pin' of tool 't'").hasMessageContaining("use String or SecretValue");
    assertThatThrownBy(() -> g.fromObjects(new UnmarkedValue())).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is a SecretValue but not annotated with @Secret");
    assertThatThrownBy(() -> g.fromObjects(new TwoDestinations())).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("two @Destination parameters");
    assertThatThrownBy(() -> g.fromObjects(new EmbeddedValue())).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cannot be embedded");
    assertThatThrownBy(() -> g.fromObjects(new SecretDestination())).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("both @Secret and @Destination");
  }

  @Test
  void toolClassCompiledWithoutParameters_isRefusedWithAFix(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("NoNames.java");
    Files.writeString(src, "public class NoNames {\n"
        + "  @dev.langchain4j.agent.tool.Tool public String t(@dev.keyhole.langchain4j.Secret String token) {"
        + " return token; }\n}\n");
    JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-classpath", System.getProperty("java.class.path"),
        "-d", dir.toString(), src.toString());
    assertThat(rc).isZero();
    try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Object noNames = cl.loadClass("NoNames").getDeclaredConstructor().newInstance();

      assertThatThrownBy(() -> GuardedTools.of(task).fromObjects(noNames))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("has no name at run time")
          .hasMessageContaining("-parameters")
          .hasMessageContaining("@P(name = \"...\")");
    }
  }

  private static ToolSpecification nestedSpec() {
    JsonObjectSchema auth = JsonObjectSchema.builder()
        .addStringProperty("user", "User name")
        .addStringProperty("password", "Password of the user")
        .required("user", "password").build();
    return ToolSpecification.builder().name("db_query").description("Runs SQL")
        .parameters(JsonObjectSchema.builder().addStringProperty("sql").addProperty("auth", auth)
            .required("sql", "auth").build())
        .build();
  }

  @Test
  void rewrite_replacesNestedParameters_andKeepsEverythingElse() {
    TaskScope t = fx.open("task-db", Fixture.grant("db_password", "db_query").build());
    GuardedTools g = GuardedTools.builder(t).handleParameters("db_query", "auth.password").build();

    ToolSpecification spec = g.rewrite(nestedSpec());

    JsonObjectSchema auth = (JsonObjectSchema) spec.parameters().properties().get("auth");
    assertThat(auth.properties().get("password")).isInstanceOf(JsonEnumSchema.class);
    assertThat(((JsonEnumSchema) auth.properties().get("password")).enumValues())
        .containsExactly("secret://db_password");
    assertThat(((JsonEnumSchema) auth.properties().get("password")).description())
        .startsWith("Password of the user. A Keyhole secret handle");
    assertThat(auth.properties().keySet()).containsExactly("user", "password");
    assertThat(auth.required()).containsExactly("user", "password");
    assertThat(spec.parameters().required()).containsExactly("sql", "auth");
    assertThat(spec.description()).isEqualTo("Runs SQL");
  }

  @Test
  void rewrite_ofAMissingParameter_isAConfigurationError() {
    GuardedTools g = GuardedTools.builder(task).handleParameters("db_query", "auth.pasword").build();
    GuardedTools noObject = GuardedTools.builder(task).handleParameters("db_query", "sql.x").build();
    GuardedTools noParams = GuardedTools.builder(task).handleParameters("ping", "token").build();

    assertThatThrownBy(() -> g.rewrite(nestedSpec())).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("Tool 'db_query' has no parameter 'auth.pasword'")
        .hasMessageContaining("[user, password]");
    assertThatThrownBy(() -> noObject.rewrite(nestedSpec())).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'sql' of tool 'db_query' is not an object");
    assertThatThrownBy(() -> noParams.rewrite(ToolSpecification.builder().name("ping").build()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("has no parameters");
  }

  @Test
  void declaredNestedHandleParameter_acceptsHandlesOnlyThere() {
    TaskScope t = fx.open("task-db2", Fixture.grant("db_password", "db_query").build());
    List<String> seen = new ArrayList<>();
    GuardedTools g = GuardedTools.builder(t).handleParameters("db_query", "auth.password").build();
    AiServiceTool tool = g.wrap(nestedSpec(), (req, id) -> {
      seen.add(req.arguments());
      return "rows";
    });

    ToolExecutionResult ok = run(tool, "{\"sql\":\"select 1\",\"auth\":{\"user\":\"app\",\"password\":\"secret://db_password\"}}");
    ToolExecutionResult bad = run(tool, "{\"sql\":\"select 'secret://db_password'\",\"auth\":{\"user\":\"app\",\"password\":\"secret://db_password\"}}");

    assertThat(ok.isError()).isFalse();
    assertThat(seen).singleElement().asString().contains(dbPassword);
    assertThat(bad.isError()).isTrue();
    assertThat(bad.resultText()).contains("Argument 'sql'").contains("'auth.password'");
  }

  @Test
  void wrappedProvider_keepsDynamism_andGuardsEveryTool() {
    AtomicInteger calls = new AtomicInteger();
    ToolExecutor echo = (req, id) -> "echo " + req.arguments();
    ToolProvider dynamic = new ToolProvider() {
      @Override
      public ToolProviderResult provideTools(ToolProviderRequest request) {
        calls.incrementAndGet();
        return ToolProviderResult.builder()
            .add(ToolSpecification.builder().name("plain")
                .parameters(JsonObjectSchema.builder().addStringProperty("text").build()).build(), echo)
            .build();
      }

      @Override
      public boolean isDynamic() {
        return true;
      }
    };
    GuardedTools g = GuardedTools.builder(task).handleParameters("plain", "text")
        .destination("plain", args -> Optional.of("https://api.github.com")).build();

    ToolProvider wrapped = g.wrap(dynamic);
    ToolProviderResult result = wrapped.provideTools(new ToolProviderRequest("mem", UserMessage.from("hi")));

    assertThat(wrapped.isDynamic()).isTrue();
    assertThat(calls).hasValue(1);
    AiServiceTool t = result.aiServiceTools().get(0);
    assertThat(t.toolExecutor()).isInstanceOf(GuardedToolExecutor.class);
    assertThat(((JsonEnumSchema) t.toolSpecification().parameters().properties().get("text")).enumValues())
        .containsExactly("secret://api_token");
    assertThat(run(t, "{\"text\":\"secret://api_token\"}").resultText())
        .isEqualTo("echo {\"text\":\"secret://api_token\"}");
    assertThat(g.wrap((ToolProvider) r -> null).provideTools(
        new ToolProviderRequest("mem", UserMessage.from("hi")))).isNull();
  }
}
