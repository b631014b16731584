package dev.keyhole.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static dev.keyhole.aws.AwsTestServer.json;
import static dev.keyhole.aws.AwsTestServer.jsonCall;
import static dev.keyhole.aws.AwsTestServer.jsonError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.keyhole.CacheSettings;
import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolGuard;
import dev.keyhole.Use;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.testkit.FakeClock;
import dev.keyhole.testkit.LeakAssertions;
import dev.keyhole.testkit.RecordingAuditSink;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults on the wire end in Keyhole's bounded retries (3 attempts, SDK retries off) and a typed,
 * value-free error; not-found is answered at once; throttling may serve a stale cached value.
 */
class SecretsManagerFaultsTest {
  private static final int ATTEMPTS = 3;
  @RegisterExtension static final AwsTestServer aws = AwsTestServer.create();
  private final FakeClock clock = FakeClock.create();
  private final RecordingAuditSink audit = RecordingAuditSink.create();
  private Keyhole keyhole;

  @AfterEach
  void tearDown() {
    if (keyhole != null) {
      keyhole.close();
    }
  }

  private TaskScope openTask(Duration socketTimeout) {
    SecretsManagerProvider provider = SecretsManagerProvider.builder()
        .options(aws.options().socketTimeout(socketTimeout).build()).build();
    keyhole = AwsTestServer.keyhole().provider(provider).clock(clock).auditSink(audit)
        .cache(CacheSettings.defaults().withTtl(Duration.ofMinutes(1)))
        .resilience(AwsTestServer.fastRetries(ATTEMPTS)).build();
    return keyhole.openTask(TaskOptions.builder().taskId("faults")
        .grant(Grant.builder("db").ref("aws-sm:faults/db#password").tools("query").build())
        .grant(Grant.builder("api").ref("aws-sm:faults/api").tools("query").build())
        .build());
  }

  static Stream<Arguments> faults() {
    Function<String, ResponseDefinitionBuilder> html503 = v -> aResponse().withStatus(503)
        .withHeader("Content-Type", "text/html").withBody("<html><body>" + v + "</body></html>");
    Function<String, ResponseDefinitionBuilder> internal =
        v -> jsonError(500, "InternalServiceError", "internal " + v);
    Function<String, ResponseDefinitionBuilder> throttled =
        v -> jsonError(400, "ThrottlingException", "Rate exceeded " + v);
    Function<String, ResponseDefinitionBuilder> tooMany = v -> aResponse().withStatus(429);
    Function<String, ResponseDefinitionBuilder> reset =
        v -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
    Function<String, ResponseDefinitionBuilder> empty = v -> aResponse().withFault(Fault.EMPTY_RESPONSE);
    Function<String, ResponseDefinitionBuilder> random =
        v -> aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE);
    Function<String, ResponseDefinitionBuilder> chunk =
        v -> aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK);
    Function<String, ResponseDefinitionBuilder> truncated = v -> json(200,
        "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:111122223333:secret:faults/db-AbCdEf\","
            + "\"SecretString\":\"{\\\"password\\\":\\\"" + v + "\\\"");
    Function<String, ResponseDefinitionBuilder> htmlOk = v -> aResponse().withStatus(200)
        .withHeader("Content-Type", "text/html").withBody("<html>" + v + "</html>");
    Function<String, ResponseDefinitionBuilder> slow = v -> json(200, "{}").withFixedDelay(1_500);
    return Stream.of(
        Arguments.of("503 with an HTML body", html503),
        Arguments.of("500 InternalServiceError", internal),
        Arguments.of("400 ThrottlingException", throttled),
        Arguments.of("429 without a body", tooMany),
        Arguments.of("connection reset", reset),
        Arguments.of("empty response", empty),
        Arguments.of("random data, then close", random),
        Arguments.of("malformed chunk", chunk),
        Arguments.of("200 with truncated JSON", truncated),
        Arguments.of("200 with an HTML body", htmlOk),
        Arguments.of("read timeout", slow));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void fault_endsInBoundedRetries_andARetryableError_withoutValues(String name,
      Function<String, ResponseDefinitionBuilder> fault) {
    String planted = LeakAssertions.randomSecret();
    aws.stubJson("secretsmanager.GetSecretValue", fault.apply(planted));
    TaskScope task = openTask(Duration.ofMillis(250));

    Throwable t = catchThrowable(() -> task.resolve(task.handle("db"), Use.byTool("query")));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class);
    assertThat(((ProviderUnavailableException) t).retryable()).isTrue();
    assertThat(t.getMessage()).contains("aws-sm:faults/db#password");
    aws.wm.verify(ATTEMPTS, jsonCall("secretsmanager.GetSecretValue"));
    SecretsManagerProviderTest.assertNoValue(t, planted);
    audit.assertNoValue(planted);
  }

  @Test
  void notFound_isAnsweredAtOnce_withoutRetries() {
    TaskScope task = openTask(Duration.ofSeconds(3));
    Throwable t = catchThrowable(() -> task.resolve(task.handle("db"), Use.byTool("query")));
    assertThat(t).isInstanceOf(SecretNotFoundException.class);
    aws.wm.verify(1, jsonCall("secretsmanager.GetSecretValue"));
  }

  @Test
  void transientFault_thenSuccess_isRetriedTransparently() {
    String value = LeakAssertions.randomSecret();
    aws.fake.putSecret("faults/api", value);
    aws.wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/").atPriority(1)
        .inScenario("flaky").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
        .withHeader("X-Amz-Target", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
            "secretsmanager.GetSecretValue"))
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
        .willSetStateTo("recovered"));
    TaskScope task = openTask(Duration.ofSeconds(3));

    try (SecretValue v = task.resolve(task.handle("api"), Use.byTool("query"))) {
      assertThat(v.revealString()).isEqualTo(value);
    }
    aws.wm.verify(2, jsonCall("secretsmanager.GetSecretValue"));
  }

  @Test
  void throttling_afterTheCacheTtl_servesTheStaleValue_andAuditsIt() {
    String value = LeakAssertions.randomSecret();
    aws.fake.putSecret("faults/api", value);
    TaskScope first = openTask(Duration.ofSeconds(3));
    try (SecretValue v = first.resolve(first.handle("api"), Use.byTool("query"))) {
      assertThat(v.revealString()).isEqualTo(value);
    }
    first.close();
    clock.advance(Duration.ofMinutes(5));
    aws.stubJson("secretsmanager.GetSecretValue", jsonError(400, "ThrottlingException", "Rate exceeded"));

    TaskScope second = keyhole.openTask(TaskOptions.builder().taskId("faults-2")
        .grant(Grant.builder("api").ref("aws-sm:faults/api").tools("query").build()).build());
    try (SecretValue v = second.resolve(second.handle("api"), Use.byTool("query"))) {
      assertThat(v.revealString()).isEqualTo(value);
    }
    assertThat(audit.events(AuditEventType.STALE_SERVED)).hasSize(1);
    aws.wm.verify(1 + ATTEMPTS, jsonCall("secretsmanager.GetSecretValue"));
    audit.assertNoValue(value);
  }

  @Test
  void toolCallWithTwoHandles_fetchesBothInOneBatch_andRedactsTheResult() {
    String password = LeakAssertions.randomSecret();
    String apiKey = LeakAssertions.randomSecret();
    aws.fake.putSecret("faults/db", "{\"password\":\"" + password + "\"}");
    aws.fake.putSecret("faults/api", apiKey);
    TaskScope task = openTask(Duration.ofSeconds(3));

    String result = ToolGuard.builder(task).handleParameters("query", "dsn", "key").build().call("query",
        "{\"dsn\":\"secret://db\",\"key\":\"secret://api\"}", call -> {
          assertThat(call.secret("db").revealString()).isEqualTo(password);
          assertThat(call.secret("api").revealString()).isEqualTo(apiKey);
          return "used " + password + " and " + apiKey;
        });

    assertThat(result).isEqualTo("used secret://db and secret://api");
    aws.wm.verify(1, jsonCall("secretsmanager.BatchGetSecretValue"));
    aws.wm.verify(0, jsonCall("secretsmanager.GetSecretValue"));
    audit.assertNoValue(password, apiKey);
  }
}
