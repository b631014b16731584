package dev.keyhole.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static dev.keyhole.aws.AwsTestServer.json;
import static dev.keyhole.aws.AwsTestServer.jsonCall;
import static dev.keyhole.aws.AwsTestServer.jsonError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.keyhole.Grant;
import dev.keyhole.InvalidReferenceException;
import dev.keyhole.Keyhole;
import dev.keyhole.KeyholeException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretRef;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.Use;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.testkit.LeakAssertions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.keyhole.spi.SecretProvider.Result;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SSM Parameter Store through the real SDK client against WireMock speaking AWS JSON 1.1. */
class ParameterStoreProviderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final AwsTestServer aws = AwsTestServer.create();
  private ParameterStoreProvider provider;

  @BeforeEach
  void setUp() {
    provider = ParameterStoreProvider.builder().options(aws.options().build()).build();
  }

  @AfterEach
  void tearDown() {
    provider.close();
  }

  /** A GetParameter answer as SSM writes it. */
  static String parameterAnswer(String name, String type, String value, long version,
      String selector) {
    ObjectNode p = JSON.createObjectNode()
        .put("ARN", "arn:aws:ssm:us-east-1:111122223333:parameter" + name)
        .put("DataType", "text").put("LastModifiedDate", 1.7041104E9).put("Name", name)
        .put("Type", type).put("Value", value).put("Version", version);
    if (selector != null) {
      p.put("Selector", selector);
    }
    ObjectNode o = JSON.createObjectNode();
    o.set("Parameter", p);
    return o.toString();
  }

  private ResolvedSecret resolve(String ref) {
    return provider.resolve(SecretRef.parse(ref));
  }

  @Test
  void resolve_sendsGetParameterWithDecryption_andSelector_returnsVersion() {
    String value = LeakAssertions.randomSecret();
    aws.stubJson("AmazonSSM.GetParameter",
        json(200, parameterAnswer("/prod/db/password", "SecureString", value, 3, ":3")));

    ResolvedSecret r = resolve("aws-ssm:/prod/db/password:3");
    try {
      assertThat(r.value().revealString()).isEqualTo(value);
      assertThat(r.version()).contains("3");
    } finally {
      r.destroy();
    }
    aws.wm.verify(1, jsonCall("AmazonSSM.GetParameter")
        .withHeader("Content-Type", containing("application/x-amz-json-1.1"))
        .withHeader("Authorization", containing("/us-east-1/ssm/aws4_request"))
        .withRequestBody(equalToJson(
            "{\"Name\":\"/prod/db/password:3\",\"WithDecryption\":true}")));
  }

  @Test
  void resolve_label_andPlainString_andStringList() {
    aws.stubJson("AmazonSSM.GetParameter",
        json(200, parameterAnswer("/prod/hosts", "StringList", "a.example,b.example", 7, ":live")));
    ResolvedSecret r = resolve("aws-ssm:/prod/hosts:live");
    assertThat(r.value().revealString()).isEqualTo("a.example,b.example");
    r.destroy();
    aws.wm.verify(jsonCall("AmazonSSM.GetParameter")
        .withRequestBody(equalToJson("{\"Name\":\"/prod/hosts:live\",\"WithDecryption\":true}")));
  }

  @Test
  void resolve_secretsManagerBridge_withJsonKey() {
    String password = LeakAssertions.randomSecret();
    aws.stubJson("AmazonSSM.GetParameter", json(200, parameterAnswer(
        "/aws/reference/secretsmanager/prod/db", "SecureString",
        "{\"username\":\"app\",\"password\":\"" + password + "\"}", 1, ":AWSPREVIOUS")));

    ResolvedSecret r = resolve("aws-ssm:/aws/reference/secretsmanager/prod/db:AWSPREVIOUS#password");
    try {
      assertThat(r.value().revealString()).isEqualTo(password);
    } finally {
      r.destroy();
    }
    aws.wm.verify(jsonCall("AmazonSSM.GetParameter").withRequestBody(equalToJson(
        "{\"Name\":\"/aws/reference/secretsmanager/prod/db:AWSPREVIOUS\",\"WithDecryption\":true}")));
  }

  @Test
  void resolve_arn_signsForItsRegion() {
    String value = LeakAssertions.randomSecret();
    aws.stubJson("AmazonSSM.GetParameter",
        json(200, parameterAnswer("/shared/key", "SecureString", value, 2, null)));
    String arn = "arn:aws:ssm:eu-central-1:444455556666:parameter/shared/key";
    ResolvedSecret r = resolve("aws-ssm:" + arn);
    assertThat(r.value().revealString()).isEqualTo(value);
    r.destroy();
    aws.wm.verify(jsonCall("AmazonSSM.GetParameter")
        .withHeader("Authorization", containing("/eu-central-1/ssm/aws4_request"))
        .withRequestBody(equalToJson("{\"Name\":\"" + arn + "\",\"WithDecryption\":true}")));
  }

  @Test
  void resolve_answerWithoutParameterOrValue_isFormatError() {
    aws.stubJson("AmazonSSM.GetParameter", json(200, "{}"));
    assertThatThrownBy(() -> resolve("aws-ssm:/prod/none")).isInstanceOf(SecretFormatException.class)
        .hasMessageContaining("aws-ssm:/prod/none");
    aws.stubJson("AmazonSSM.GetParameter", json(200,
        "{\"Parameter\":{\"Name\":\"/prod/none\",\"Type\":\"SecureString\",\"Version\":1}}"));
    assertThatThrownBy(() -> resolve("aws-ssm:/prod/none")).isInstanceOf(SecretFormatException.class);
  }

  static Stream<Arguments> errorCodes() {
    return Stream.of(
        Arguments.of(400, "ParameterNotFound", SecretNotFoundException.class),
        Arguments.of(400, "ParameterVersionNotFound", SecretNotFoundException.class),
        Arguments.of(400, "AccessDeniedException", SecretAccessDeniedException.class),
        Arguments.of(400, "InvalidKeyId", SecretAccessDeniedException.class),
        Arguments.of(400, "ValidationException", InvalidReferenceException.class),
        Arguments.of(400, "ThrottlingException", ProviderUnavailableException.class),
        Arguments.of(500, "InternalServerError", ProviderUnavailableException.class));
  }

  @ParameterizedTest(name = "{1} -> {2}")
  @MethodSource("errorCodes")
  void resolve_mapsErrorCodes(int status, String code, Class<? extends KeyholeException> type) {
    String planted = LeakAssertions.randomSecret();
    aws.stubJson("AmazonSSM.GetParameter", jsonError(status, code, planted));
    Throwable t = catchThrowable(() -> resolve("aws-ssm:/prod/db/password"));
    assertThat(t).isExactlyInstanceOf(type).hasMessageContaining("aws-ssm:/prod/db/password")
        .hasMessageContaining(code);
    SecretsManagerProviderTest.assertNoValue(t, planted);
  }

  @Test
  void connectionReset_throughKeyhole_isRetriedThreeTimes() {
    aws.stubJson("AmazonSSM.GetParameter", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
    try (Keyhole keyhole = AwsTestServer.keyhole().provider(provider).build();
        TaskScope task = keyhole.openTask(TaskOptions.builder()
            .grant(Grant.builder("url").ref("aws-ssm:/prod/db/url").tools("t").build()).build())) {
      assertThatThrownBy(() -> task.resolve(task.handle("url"), Use.byTool("t")))
          .isInstanceOf(ProviderUnavailableException.class);
    }
    aws.wm.verify(3, jsonCall("AmazonSSM.GetParameter"));
  }

  @Test
  void resolveAll_batchesGetParametersTenNamesPerCall_invalidNamesAreNotFound() {
    List<SecretRef> refs = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      String v = LeakAssertions.randomSecret();
      values.add(v);
      aws.fake.putParameter("/batch/p" + i, v);
      refs.add(SecretRef.parse("aws-ssm:/batch/p" + i));
    }
    SecretRef missing = SecretRef.parse("aws-ssm:/batch/missing");
    refs.add(missing);
    Map<SecretRef, Result> results = provider.resolveAll(refs);
    for (int i = 0; i < 23; i++) {
      ResolvedSecret r = results.get(refs.get(i)).getOrThrow();
      assertThat(r.value().revealString()).isEqualTo(values.get(i));
      r.destroy();
    }
    assertThatThrownBy(() -> results.get(missing).getOrThrow())
        .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("/batch/missing");
    List<LoggedRequest> batches = aws.wm.findAll(jsonCall("AmazonSSM.GetParameters"));
    assertThat(batches.stream().map(b -> tree(b).path("Names").size()).toList())
        .containsExactlyInAnyOrder(10, 10, 4);
    assertThat(batches).allSatisfy(b -> assertThat(tree(b).path("WithDecryption").asBoolean()).isTrue());
    aws.wm.verify(0, jsonCall("AmazonSSM.GetParameter"));
  }

  @Test
  void resolveAll_selectorsAndJsonKeysShareFetches_bridgeNamesAreFetchedAlone() {
    String v3 = LeakAssertions.randomSecret();
    aws.fake.putParameter("/app/db", "{\"user\":\"app\",\"password\":\"" + v3 + "\"}");
    aws.fake.putParameter("/aws/reference/secretsmanager/prod/db", LeakAssertions.randomSecret());
    SecretRef user = SecretRef.parse("aws-ssm:/app/db#user");
    SecretRef password = SecretRef.parse("aws-ssm:/app/db#password");
    SecretRef pinned = SecretRef.parse("aws-ssm:/app/db:1#password");
    SecretRef bridge = SecretRef.parse("aws-ssm:/aws/reference/secretsmanager/prod/db");
    Map<SecretRef, Result> results = provider.resolveAll(List.of(user, password, pinned, bridge));
    assertThat(results.get(user).getOrThrow().value().revealString()).isEqualTo("app");
    assertThat(results.get(password).getOrThrow().value().revealString()).isEqualTo(v3);
    assertThat(results.get(pinned).getOrThrow().value().revealString()).isEqualTo(v3);
    assertThat(results.get(bridge).isSuccess()).isTrue();
    List<LoggedRequest> batches = aws.wm.findAll(jsonCall("AmazonSSM.GetParameters"));
    assertThat(batches).hasSize(1);
    assertThat(tree(batches.get(0)).path("Names").toString())
        .isEqualTo("[\"/app/db\",\"/app/db:1\"]");
    aws.wm.verify(1, jsonCall("AmazonSSM.GetParameter"));
  }

  @Test
  void resolveAll_whenGetParametersIsDenied_fallsBackToGetParameter() {
    String v = LeakAssertions.randomSecret();
    aws.fake.putParameter("/app/token", v);
    aws.stubJson("AmazonSSM.GetParameters", jsonError(400, "AccessDeniedException",
        "User is not authorized to perform: ssm:GetParameters"));
    SecretRef a = SecretRef.parse("aws-ssm:/app/token");
    SecretRef b = SecretRef.parse("aws-ssm:/app/none");
    Map<SecretRef, Result> results = provider.resolveAll(List.of(a, b));
    assertThat(results.get(a).getOrThrow().value().revealString()).isEqualTo(v);
    assertThatThrownBy(() -> results.get(b).getOrThrow()).isInstanceOf(SecretNotFoundException.class);
    aws.wm.verify(2, jsonCall("AmazonSSM.GetParameter"));
  }

  @Test
  void throttling_withRetryAfter_isWaitedOnTheFakeClock() {
    String v = LeakAssertions.randomSecret();
    aws.fake.putParameter("/app/slow", v);
    aws.wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/").atPriority(1)
        .withHeader("X-Amz-Target", com.github.tomakehurst.wiremock.client.WireMock.equalTo("AmazonSSM.GetParameter"))
        .inScenario("throttled").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
        .willReturn(jsonError(400, "ThrottlingException", "Rate exceeded").withHeader("Retry-After", "3"))
        .willSetStateTo("ok"));
    dev.keyhole.testkit.FakeClock clock = dev.keyhole.testkit.FakeClock.create();
    try (Keyhole keyhole = AwsTestServer.keyhole().provider(provider).clock(clock)
        .sleeper(clock.sleeper()).resilience(AwsTestServer.fastRetries(3))
        .cache(dev.keyhole.CacheSettings.disabled()).build();
        TaskScope task = keyhole.openTask(TaskOptions.builder()
            .grant(Grant.builder("slow").ref("aws-ssm:/app/slow").tools("t").build()).build())) {
      assertThat(task.resolve(dev.keyhole.SecretHandle.of("slow"), Use.byTool("t")).revealString())
          .isEqualTo(v);
    }
    assertThat(clock.sleeps()).containsExactly(java.time.Duration.ofSeconds(3));
  }

  private static com.fasterxml.jackson.databind.JsonNode tree(LoggedRequest r) {
    try {
      return JSON.readTree(r.getBodyAsString());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }
}
