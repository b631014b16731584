package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keyhole.HandleParameter;
import dev.keyhole.TaskScope;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GuardedToolExecutorTest {
  private Fixture fx;
  private TaskScope task;
  private String token;
  private final List<String> received = new ArrayList<>();

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    token = fx.plant("api_token");
    fx.plant("other_token");
    task = fx.open("task-a", Fixture.grant("api_token", "echo", "explode", "unlock").build(),
        Fixture.grant("other_token", "not_echo").build());
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  /** The tools of these tests take a handle in 't' (embedded, e.g. "Bearer secret://...") . */
  private static GuardedTools tools(TaskScope t) {
    return GuardedTools.builder(t)
        .handleParameter("echo", HandleParameter.of("t").embedded(true))
        .handleParameter("explode", HandleParameter.of("t").embedded(true))
        .build();
  }

  private static ToolExecutionRequest call(String tool, String args) {
    return ToolExecutionRequest.builder().id("call_1").name(tool).arguments(args).build();
  }

  private ToolExecutor echo() {
    return tools(task).executor("echo", (req, memoryId) -> {
      received.add(req.arguments());
      return "echo " + req.arguments();
    });
  }

  @Test
  void executeWithContext_resolvesHandleForTheTool_andRedactsTheResult() {
    ToolExecutionResult r = echo().executeWithContext(call("echo", "{\"t\":\"secret://api_token\"}"),
        InvocationContext.builder().chatMemoryId("m").build());

    assertThat(received).containsExactly("{\"t\":\"" + Planted.json(token) + "\"}");
    assertThat(r.isError()).isFalse();
    assertThat(r.resultText()).isEqualTo("echo {\"t\":\"secret://api_token\"}");
  }

  @Test
  void execute_takesTheSameGuardedPath() {
    String out = echo().execute(call("echo", "{\"t\":\"Bearer secret://api_token\"}"), "memory-1");

    assertThat(received).hasSize(1);
    assertThat(received.get(0)).contains(Planted.json(token));
    assertThat(out).isEqualTo("echo {\"t\":\"Bearer secret://api_token\"}");
  }

  @Test
  void call_isAuditedWithToolAndTask_andNoValue() {
    echo().executeWithContext(call("echo", "{\"t\":\"secret://api_token\"}"), null);

    List<AuditEvent> called = fx.audit.events(AuditEventType.TOOL_CALLED);
    assertThat(called).singleElement().satisfies(e -> {
      assertThat(e.tool()).isEqualTo("echo");
      assertThat(e.taskId()).isEqualTo("task-a");
    });
    Planted.assertNoRawOrJson("audit events", fx.auditText(), fx.values());
  }

  @Test
  void toolException_becomesAnUnchainedToolExecutionException_withRedactedMessage() {
    ToolExecutor failing = tools(task).executor("explode", (req, id) -> {
      throw new ToolExecutionException(new IllegalStateException("cannot use " + token), 42);
    });

    ToolExecutionException e = catchThrowableOfType(ToolExecutionException.class,
        () -> failing.executeWithContext(call("explode", "{\"t\":\"secret://api_token\"}"), null));

    assertThat(e.getMessage()).isEqualTo("cannot use secret://api_token");
    assertThat(e.getCause()).isNull();
    assertThat(e.errorCode()).isEqualTo(42);
    Planted.assertNoRawOrJson("stack trace", stackTrace(e), fx.values());
    assertThat(fx.audit.events(AuditEventType.TOOL_FAILED)).singleElement()
        .satisfies(ev -> assertThat(ev.tool()).isEqualTo("explode"));
  }

  @Test
  void argumentsException_keepsItsType() {
    ToolExecutor failing = tools(task).executor("explode", (req, id) -> {
      throw new ToolArgumentsException("bad argument " + token, 7);
    });

    assertThatThrownBy(() -> failing.executeWithContext(call("explode", "{\"t\":\"secret://api_token\"}"), null))
        .isExactlyInstanceOf(ToolArgumentsException.class)
        .hasMessage("bad argument secret://api_token")
        .hasNoCause()
        .satisfies(e -> assertThat(((ToolArgumentsException) e).errorCode()).isEqualTo(7));
  }

  @Test
  void plainRuntimeException_becomesToolExecutionException() {
    ToolExecutor failing = tools(task).executor("explode", (req, id) -> {
      throw new IllegalArgumentException("value was " + token);
    });

    assertThatThrownBy(() -> failing.executeWithContext(call("explode", "{\"t\":\"secret://api_token\"}"), null))
        .isExactlyInstanceOf(ToolExecutionException.class)
        .hasMessage("value was secret://api_token")
        .hasNoCause();
  }

  /** A tool LangChain4j builds from a @Tool method, whose int parameter cannot take the value. */
  static class PinTools {
    @Tool("Unlocks the door")
    String unlock(int pin) {
      return "unlocked with " + pin;
    }
  }

  @Test
  void langChain4jArgumentCoercionError_holdingTheValue_isRedacted() {
    AiServiceTool lc4j = ToolService.findTools(new PinTools()).get(0);
    GuardedTools tools = GuardedTools.builder(task).handleParameters("unlock", "pin").build();
    AiServiceTool guarded = tools.wrap(lc4j);

    ToolArgumentsException e = catchThrowableOfType(ToolArgumentsException.class, () ->
        guarded.toolExecutor().executeWithContext(call("unlock", "{\"pin\":\"secret://api_token\"}"),
            InvocationContext.builder().build()));

    // LangChain4j's own message quotes the argument: "... got java.lang.String: <VALUE>"
    assertThat(e.getMessage()).contains("<secret://api_token>").contains("\"pin\"");
    assertThat(e).hasNoCause();
    Planted.assertNoRawOrJson("coercion error", stackTrace(e), fx.values());
  }

  @Test
  void handleOfAnotherTool_isDeniedAsAnErrorResult_andTheToolDoesNotRun() {
    ToolExecutionResult r = echo().executeWithContext(call("echo", "{\"t\":\"secret://other_token\"}"), null);

    assertThat(r.isError()).isTrue();
    assertThat(r.resultText()).startsWith("Denied by Keyhole policy (tool not allowed)")
        .contains("secret://other_token").contains("did not run");
    assertThat(received).isEmpty();
    assertThat(fx.audit.events(AuditEventType.USE_DENIED)).isNotEmpty();
  }

  @Test
  void unknownHandle_isDenied() {
    ToolExecutionResult r = echo().executeWithContext(call("echo", "{\"t\":\"secret://nope\"}"), null);

    assertThat(r.isError()).isTrue();
    assertThat(r.resultText()).contains("(unknown handle)").contains("secret://nope");
    assertThat(received).isEmpty();
  }

  @Test
  void malformedHandle_isDenied() {
    ToolExecutionResult r = echo().executeWithContext(call("echo", "{\"t\":\"secret://-x\"}"), null);

    assertThat(r.isError()).isTrue();
    assertThat(r.resultText()).startsWith("Denied by Keyhole: Malformed handle token");
    assertThat(received).isEmpty();
  }

  @Test
  void closedTask_runsNoTool_evenWithoutHandles() {
    ToolExecutor e = echo();
    task.close();

    ToolExecutionResult r = e.executeWithContext(call("echo", "{\"t\":\"hello\"}"), null);

    assertThat(r.isError()).isTrue();
    assertThat(r.resultText()).contains("Task 'task-a' is closed");
    assertThat(received).isEmpty();
    assertThat(fx.audit.events(AuditEventType.USE_DENIED)).anySatisfy(ev ->
        assertThat(ev.reason()).isEqualTo("TASK_CLOSED"));
  }

  @Test
  void invalidJsonArguments_areReportedToTheModel() {
    ToolExecutionResult r = echo().executeWithContext(call("echo", "{not json"), null);

    assertThat(r.isError()).isTrue();
    assertThat(r.resultText()).contains("not valid JSON");
  }

  @Test
  void lazyResultText_isEvaluatedInsideTheCall_andRedacted() {
    AtomicInteger evaluations = new AtomicInteger();
    ToolExecutor lazy = tools(task).executor("echo", contextual(request -> {
      String args = request.arguments();
      return ToolExecutionResult.builder().result(Map.of("args", args))
          .resultTextSupplier(() -> {
            evaluations.incrementAndGet();
            return "lazy " + args;
          }).build();
    }));

    ToolExecutionResult r = lazy.executeWithContext(call("echo", "{\"t\":\"secret://api_token\"}"), null);

    assertThat(evaluations).hasValue(1);
    assertThat(r.resultText()).isEqualTo("lazy {\"t\":\"secret://api_token\"}");
    assertThat(r.result()).as("a raw result that held a value is dropped").isNull();
  }

  @Test
  void stringRawResult_isRedacted_andCleanRawResultIsKept() {
    ToolExecutor tool = tools(task).executor("echo", contextual(request -> {
      String v = request.arguments().equals("{}") ? "clean" : "raw " + request.arguments();
      return ToolExecutionResult.builder().result(v).resultText(v).build();
    }));

    ToolExecutionResult leaky = tool.executeWithContext(call("echo", "{\"t\":\"secret://api_token\"}"), null);
    ToolExecutionResult clean = tool.executeWithContext(call("echo", "{}"), null);

    assertThat(leaky.result()).isEqualTo(leaky.resultText()).isEqualTo("raw {\"t\":\"secret://api_token\"}");
    assertThat(clean.result()).isEqualTo("clean");
  }

  @Test
  void imageContentHoldingTheValue_isReplaced_andTextContentsAreRedacted() {
    ToolExecutor tool = tools(task).executor("echo", contextual(request -> {
      String raw = request.arguments();
      String data = Base64.getEncoder()
          .encodeToString(("PNG" + raw).getBytes(StandardCharsets.UTF_8));
      Image img = Image.builder().base64Data(data).mimeType("image/png").build();
      return ToolExecutionResult.builder()
          .resultContents(List.of(TextContent.from("text " + raw), ImageContent.from(img),
              ImageContent.from("https://example.com/a.png")))
          .attributes(Map.of("note", raw, "count", 3)).build();
    }));

    ToolExecutionResult r = tool.executeWithContext(call("echo", "{\"t\":\"secret://api_token\"}"), null);

    assertThat(r.resultContents()).hasSize(3);
    assertThat(((TextContent) r.resultContents().get(0)).text()).contains("secret://api_token");
    // An image is kept only when the redactor cannot find a value in it.
    if (Planted.engineKnowsEncodings(task.redactor(), token)) {
      assertThat(r.resultContents().get(1)).isInstanceOf(TextContent.class);
      assertThat(((TextContent) r.resultContents().get(1)).text()).contains("image content removed");
    }
    assertThat(r.resultContents().get(2)).isInstanceOf(ImageContent.class);
    assertThat(r.attributes()).containsEntry("note", "{\"t\":\"secret://api_token\"}").containsEntry("count", 3);
  }

  @Test
  void alreadyGuardedExecutor_isNotWrappedTwice() {
    GuardedTools tools = tools(task);
    ToolExecutor once = echo();

    assertThat(tools.executor("echo", once)).isSameAs(once);
    AiServiceTool t = AiServiceTool.builder()
        .toolSpecification(ToolSpecification.builder().name("echo").build()).toolExecutor(once).build();
    assertThat(tools.wrap(t)).isSameAs(t);
  }

  @Test
  void aValueEchoedInsideJsonText_isRedacted_whenTheEngineKnowsJson() {
    String quoted = fx.plant("quoted_token", Planted.valueWithQuote());
    TaskScope t = fx.open("task-q", Fixture.grant("quoted_token", "echo").build());
    ToolExecutor e = tools(t).executor("echo", (req, id) -> "echo " + req.arguments());

    ToolExecutionResult r = e.executeWithContext(call("echo", "{\"t\":\"secret://quoted_token\"}"), null);

    // The tool saw {"t":"kh...\"..."}: the value JSON-escaped, which only a JSON-aware engine finds.
    assumeTrue(t.redactor().containsSecret(Planted.json(quoted)), Planted.NEEDS_ENGINE);
    assertThat(r.resultText()).isEqualTo("echo {\"t\":\"secret://quoted_token\"}");
  }

  /** An executor that only implements {@code executeWithContext}, as LangChain4j calls it. */
  private static ToolExecutor contextual(Function<ToolExecutionRequest, ToolExecutionResult> body) {
    return new ToolExecutor() {
      @Override
      public String execute(ToolExecutionRequest request, Object memoryId) {
        throw new AssertionError("the guard must call executeWithContext");
      }

      @Override
      public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext c) {
        return body.apply(request);
      }
    };
  }

  static String stackTrace(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }
}
