package dev.keyhole.springboot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyhole.Destination;
import dev.keyhole.Keyhole;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolDeclaration;
import dev.keyhole.ToolGuard;
import dev.keyhole.providers.InMemoryProvider;
import dev.keyhole.springai.KeyholeAdvisor;
import dev.keyhole.springai.KeyholeSpringAi;
import dev.keyhole.springai.KeyholeToolExecutionExceptionProcessor;
import dev.keyhole.testkit.LeakAssertions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class KeyholeAutoConfigurationTest {
  static final String VALUE = "kh" + LeakAssertions.randomSecret(30);
  /** fetch and other take a handle in 't'; fetch sends it to api.github.com (the policy's host). */
  static final ToolGuard GUARD = ToolGuard.builder()
      .tool(ToolDeclaration.builder("fetch").handleParameters("t")
          .destination(Destination.parse("https://api.github.com")).build())
      .handleParameters("other", "t").build();
  private final WireMockServer wm = new WireMockServer(options().dynamicPort());

  @Configuration(proxyBeanMethods = false)
  static class Store {
    @Bean
    InMemoryProvider memory() {
      return InMemoryProvider.create().put("github_token", VALUE);
    }

    @Bean
    MeterRegistry meters() {
      return new SimpleMeterRegistry();
    }
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(KeyholeAutoConfiguration.class))
      .withUserConfiguration(Store.class)
      .withPropertyValues("keyhole.policy=classpath:test-policy.yaml", "keyhole.audit.sink=none",
          "keyhole.aws.region=eu-west-1");

  @AfterEach
  void stop() {
    if (wm.isRunning()) {
      wm.stop();
    }
  }

  @Test
  void keyholeFromProperties_withPolicyProvidersAndTheSpringAiParts() {
    runner.run(ctx -> {
      assertThat(ctx).hasSingleBean(Keyhole.class).hasSingleBean(KeyholeSpringAi.class)
          .hasSingleBean(KeyholeAdvisor.class).hasSingleBean(KeyholeToolExecutionExceptionProcessor.class)
          .hasSingleBean(ChatClientBuilderCustomizer.class);
      Keyhole keyhole = ctx.getBean(Keyhole.class);
      try (TaskScope task = keyhole.openTask("github_token")) {
        String out = GUARD.call(task, "fetch", "{\"t\":\"secret://github_token\"}", inv -> {
          assertThat(inv.secret("github_token").revealString()).isEqualTo(VALUE);
          return "ok";
        });
        assertThat(out).isEqualTo("ok");
      }
    });
  }

  @Test
  void meters_countResolutionsDenialsToolCallsAndOpenTasks_withoutValues() {
    runner.run(ctx -> {
      Keyhole keyhole = ctx.getBean(Keyhole.class);
      MeterRegistry meters = ctx.getBean(MeterRegistry.class);
      try (TaskScope task = keyhole.openTask("github_token")) {
        assertThat(meters.get("keyhole.tasks.open").gauge().value()).isEqualTo(1.0);
        GUARD.call(task, "fetch", "{\"t\":\"secret://github_token\"}", inv -> "echo " + VALUE);
        try {
          GUARD.call(task, "other", "{\"t\":\"secret://github_token\"}", inv -> "x");
        } catch (PolicyViolationException expected) {
          // counted below
        }
      }
      assertThat(meters.get("keyhole.resolutions").tag("tool", "fetch").counter().count()).isEqualTo(1.0);
      assertThat(meters.get("keyhole.denials").tag("reason", "TOOL_NOT_ALLOWED").counter().count()).isEqualTo(1.0);
      assertThat(meters.get("keyhole.tool.calls").tag("tool", "fetch").tag("outcome", "ok").counter().count())
          .isEqualTo(1.0);
      assertThat(meters.get("keyhole.redactions").counter().count()).isEqualTo(1.0);
      assertThat(meters.get("keyhole.provider.calls").timer().count()).isEqualTo(1L);
      assertThat(meters.get("keyhole.tasks.open").gauge().value()).isZero();
      StringBuilder all = new StringBuilder();
      meters.getMeters().forEach(m -> all.append(m.getId()).append('\n'));
      LeakAssertions.assertNoLeak("meter names and tags", all.toString(), VALUE);
    });
  }

  @Test
  void health_perProvider_probesOnePasswordConnectAndAws_andNeverShowsATokenOrValue() {
    wm.start();
    wm.stubFor(get(urlPathEqualTo("/heartbeat")).willReturn(aResponse().withStatus(200).withBody(".")));
    wm.stubFor(get(urlPathEqualTo("/health")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"name\":\"1Password Connect API\","
            + "\"version\":\"1.7.3\",\"dependencies\":[{\"service\":\"sync\",\"status\":\"ACTIVE\"}]}")));
    wm.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(400)));
    String connectToken = "kh" + LeakAssertions.randomSecret(40);
    runner.withPropertyValues("keyhole.onepassword.connect-host=" + wm.baseUrl(),
            "keyhole.onepassword.connect-token=" + connectToken, "keyhole.aws.endpoint=" + wm.baseUrl())
        .run(ctx -> {
          CompositeHealthContributor keyhole = (CompositeHealthContributor) ctx.getBean("keyholeHealthContributor",
              HealthContributor.class);
          StringBuilder text = new StringBuilder();
          keyhole.stream().forEach(c -> {
            var health = ((HealthIndicator) c.contributor()).health();
            text.append(c.name()).append(' ').append(health.getStatus()).append(' ').append(health.getDetails()).append('\n');
            assertThat(health.getStatus()).as(c.name()).isEqualTo(Status.UP);
          });
          assertThat(text.toString()).contains("1password-connect").contains("1.7.3")
              .contains("aws-secrets-manager").contains("aws-ssm").contains("env").contains("memory");
          LeakAssertions.assertNoLeak("health details", text.toString(), VALUE, connectToken);
        });
  }

  @Test
  void health_whenConnectIsDown_isDownWithTheErrorTypeOnly() {
    wm.start();
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(503)));
    String connectToken = "kh" + LeakAssertions.randomSecret(40);
    runner.withPropertyValues("keyhole.onepassword.connect-host=" + wm.baseUrl(),
            "keyhole.onepassword.connect-token=" + connectToken, "keyhole.aws.enabled=false")
        .run(ctx -> {
          CompositeHealthContributor keyhole = (CompositeHealthContributor) ctx.getBean("keyholeHealthContributor",
              HealthContributor.class);
          var health = ((HealthIndicator) keyhole.getContributor("1password-connect")).health();
          assertThat(health.getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.getDetails()).containsKey("error");
          LeakAssertions.assertNoLeak("health details", health.toString(), connectToken);
        });
  }

  @Test
  void cacheAuditAndDotenvSettingsBind() throws Exception {
    Path dir = Files.createTempDirectory("keyhole-starter");
    Path audit = dir.resolve("audit.jsonl");
    runner.withPropertyValues("keyhole.cache.enabled=false", "keyhole.audit.sink=jsonl",
            "keyhole.audit.file=" + audit, "keyhole.dotenv.enabled=false", "keyhole.aws.enabled=false")
        .run(ctx -> {
          assertThat(ctx).doesNotHaveBean(dev.keyhole.providers.DotenvProvider.class)
              .doesNotHaveBean(dev.keyhole.aws.SecretsManagerProvider.class);
          try (TaskScope task = ctx.getBean(Keyhole.class).openTask("github_token")) {
            GUARD.call(task, "fetch", "{\"t\":\"secret://github_token\"}", inv -> "ok");
          }
        });
    String text = Files.readString(audit, StandardCharsets.UTF_8);
    assertThat(text).contains("TOOL_CALLED");
    LeakAssertions.assertNoLeak("audit file", text, VALUE);
  }

  @Test
  void disabled_configuresNothing() {
    runner.withPropertyValues("keyhole.enabled=false").run(ctx -> assertThat(ctx).doesNotHaveBean(Keyhole.class));
  }
}
