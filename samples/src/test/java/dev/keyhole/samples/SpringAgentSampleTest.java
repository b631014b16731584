package dev.keyhole.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.springai.KeyholeAdvisor;
import dev.keyhole.springai.KeyholeToolExecutionExceptionProcessor;
import dev.keyhole.testkit.LeakAssertions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.springframework.boot.test.context.TestConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.ai.tool.execution.ToolExecutionExceptionProcessor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

/** The Spring AI sample as a Spring Boot test: the whole app, offline. */
@SpringBootTest(classes = {SpringAgentSample.class, SpringAgentSampleTest.Observed.class},
    properties = "spring.config.name=spring-agent")
class SpringAgentSampleTest {
  @Autowired SpringAgentSample.Agent agent;
  @Autowired ApplicationContext context;
  @Autowired Observed observed;

  /** Records every observation's key values (tool-call content included) as handlers see them. */
  @TestConfiguration
  static class Observed implements ObservationHandler<Observation.Context> {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void onStop(Observation.Context c) {
      seen.add(c.getName() + " " + c.getAllKeyValues());
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }

  @Test
  void theAgentWorks_theInjectionIsDenied_andNoValueReachesTheModel() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = agent.run(new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(code).isZero();
    assertThat(context.getBean(ToolExecutionExceptionProcessor.class))
        .isInstanceOf(KeyholeToolExecutionExceptionProcessor.class);
    assertThat(context.getBean(KeyholeAdvisor.class)).isNotNull();
    assertThat(agent.apiAuthorizedRequests()).isPositive();
    assertThat(agent.collectorRequests()).isZero();
    assertThat(agent.answer()).contains("Summary");
    assertThat(agent.auditEvents()).filteredOn(e -> e.type() == AuditEventType.USE_DENIED)
        .extracting(AuditEvent::reason).contains("TOOL_NOT_ALLOWED", "DESTINATION_NOT_ALLOWED");
    String[] values = agent.values().toArray(String[]::new);
    LeakAssertions.assertNoLeak("model requests", String.join("\n", agent.modelRequests()), values);
    LeakAssertions.assertNoLeak("sample output", out.toString(StandardCharsets.UTF_8), values);
    assertThat(String.join("\n", agent.modelRequests())).contains("secret://github_token");
    String observations = String.join("\n", observed.seen);
    assertThat(observations).contains("spring.ai.tool.call.arguments").contains("secret://github_token");
    LeakAssertions.assertNoLeak("observations", observations, values);
    MeterRegistry meters = context.getBean(MeterRegistry.class);
    assertThat(meters.get("keyhole.denials").tag("reason", "TOOL_NOT_ALLOWED").counter().count()).isPositive();
    assertThat(context.getBean("keyholeHealthContributor")).isNotNull();
  }
}
