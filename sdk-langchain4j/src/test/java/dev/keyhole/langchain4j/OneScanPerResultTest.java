package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.Keyhole;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.providers.InMemoryProvider;
import dev.keyhole.redact.RedactionEngines;
import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.spi.RedactionEngine;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutionResult;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The LangChain4j tool path scans a tool's result for values exactly once. */
class OneScanPerResultTest {
  private static final String MARKER = "result-marker-7f3a";

  /** Counts how often text holding the result marker is scanned. */
  static final class CountingEngine implements RedactionEngine {
    final RedactionEngine delegate = RedactionEngines.create(Clock.systemUTC(),
        RedactionOptions.defaults());
    final AtomicInteger resultScans = new AtomicInteger();

    @Override
    public Registration register(SecretValue value, SecretHandle handle) {
      return delegate.register(value, handle);
    }

    @Override
    public String redact(String text) {
      if (text.contains(MARKER)) {
        resultScans.incrementAndGet();
      }
      return delegate.redact(text);
    }

    @Override
    public boolean containsSecret(CharSequence text) {
      if (text.toString().contains(MARKER)) {
        resultScans.incrementAndGet();
      }
      return delegate.containsSecret(text);
    }

    @Override
    public StreamingRedactor streaming() {
      return delegate.streaming();
    }
  }

  static class Tools {
    @Tool(name = "read", value = "Reads with a token")
    String read(@Secret SecretValue token) {
      return MARKER + " read with " + token.revealString();
    }
  }

  @Test
  void secretToolResult_isScannedOnce() {
    String value = Planted.value();
    CountingEngine engine = new CountingEngine();
    try (Keyhole keyhole = Keyhole.builder().provider(InMemoryProvider.create().put("t", value))
            .redactionEngine(engine).expirySweep(false).build();
         TaskScope task = keyhole.openTask(TaskOptions.builder()
             .grant(Fixture.grant("token", "read").build().toBuilder().ref("memory:t").build())
             .build())) {
      AiServiceTool tool = GuardedTools.of(task).fromObjects(new Tools()).get(0);
      ToolExecutionResult r = tool.toolExecutor().executeWithContext(
          ToolExecutionRequest.builder().id("1").name("read").arguments("{\"token\":\"secret://token\"}")
              .build(), InvocationContext.builder().chatMemoryId("m").build());
      assertThat(r.resultText()).isEqualTo(MARKER + " read with secret://token");
      assertThat(engine.resultScans).hasValue(1);
    }
  }
}
