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
}
