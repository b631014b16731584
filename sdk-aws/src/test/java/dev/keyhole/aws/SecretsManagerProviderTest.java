package dev.keyhole.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.keyhole.aws.AwsTestServer.json;
import static dev.keyhole.aws.AwsTestServer.jsonCall;
import static dev.keyhole.aws.AwsTestServer.jsonError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.keyhole.ConfigurationException;
import dev.keyhole.InvalidReferenceException;
import dev.keyhole.KeyholeException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretRef;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider.Result;
import dev.keyhole.testkit.LeakAssertions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Secrets Manager through the real SDK client against WireMock speaking AWS JSON 1.1. */
class SecretsManagerProviderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VERSION_ID = "0d9e1f2a-3b4c-5d6e-7f80-91a2b3c4d5e6";
  @RegisterExtension static final AwsTestServer aws = AwsTestServer.create();
  private SecretsManagerProvider provider;

  @BeforeEach
  void setUp() {
    provider = SecretsManagerProvider.builder().options(aws.options().build()).build();
  }

  @AfterEach
  void tearDown() {
    provider.close();
  }

  private String resolve(String ref) {
    ResolvedSecret r = provider.resolve(SecretRef.parse(ref));
    try {
      return r.value().revealString();
    } finally {
      r.destroy();
    }
  }

  /** A GetSecretValue answer as AWS writes it. */
  static String secretAnswer(String arn, String name, String secretString) {
    ObjectNode o = JSON.createObjectNode().put("ARN", arn).put("CreatedDate", 1.523477145713E9)
        .put("Name", name).put("SecretString", secretString).put("VersionId", VERSION_ID);
    o.putArray("VersionStages").add("AWSPREVIOUS");
    return o.toString();
  }

  @Test
  void resolve_sendsGetSecretValue_asJson11_signedWithKeyholesCredentials() {
    String value = LeakAssertions.randomSecret();
    aws.fake.putSecret("prod/db", value);

    ResolvedSecret r = provider.resolve(SecretRef.parse("aws-sm:prod/db"));
    try {
      assertThat(r.value().revealString()).isEqualTo(value);
      assertThat(r.value().isBinary()).isFalse();
      assertThat(r.version()).isPresent();
      assertThat(r.expiresAt()).isEmpty();
    } finally {
      r.destroy();
    }
    aws.wm.verify(1, jsonCall("secretsmanager.GetSecretValue")
        .withHeader("Content-Type", containing("application/x-amz-json-1.1"))
        .withHeader("Authorization", containing("Credential=" + aws.keyholeAccessKeyId + "/"))
        .withHeader("Authorization", containing("/us-east-1/secretsmanager/aws4_request"))
        .withRequestBody(equalToJson("{\"SecretId\":\"prod/db\"}")));
  }

  @Test
  void resolve_ecsArnForm_sendsStageAndVersionId_andSignsForTheArnsRegion() {
    String password = LeakAssertions.randomSecret();
    String arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf";
    aws.stubJson("secretsmanager.GetSecretValue", json(200, secretAnswer(arn, "prod/db",
        "{\"username\":\"app\",\"password\":\"" + password + "\"}")));

    assertThat(resolve("aws-sm:" + arn + ":password:AWSPREVIOUS:" + VERSION_ID)).isEqualTo(password);
    aws.wm.verify(jsonCall("secretsmanager.GetSecretValue")
        .withHeader("Authorization", containing("/eu-west-1/secretsmanager/aws4_request"))
        .withRequestBody(equalToJson("{\"SecretId\":\"" + arn + "\",\"VersionStage\":\"AWSPREVIOUS\","
            + "\"VersionId\":\"" + VERSION_ID + "\"}")));
  }

  @Test
  void resolve_nameWithEveryAllowedCharacter_andHashKeyWithColons() {
    String value = LeakAssertions.randomSecret();
    String name = "team_a/svc+1=x.y@corp-db";
    aws.fake.putSecret(name, "{\"conn:primary\":\"" + value + "\"}");
    assertThat(resolve("aws-sm:" + name + "#conn:primary")).isEqualTo(value);
  }

  static Stream<Arguments> jsonValues() {
    return Stream.of(
        Arguments.of("{\"k\":\"a\\\"b\\\\c\\u00e9\\n\"}", "a\"b\\c\u00e9\n"),
        Arguments.of("{\"other\":{\"k\":1},\"k\":12345}", "12345"),
        Arguments.of("{\"k\":true}", "true"),
        Arguments.of("{\"k\":{\"host\":\"db\",\"port\":5432}}", "{\"host\":\"db\",\"port\":5432}"),
        Arguments.of("{\"k\":[1,2]}", "[1,2]"),
        Arguments.of(" {\n  \"k\" : \"spaced\"\n} ", "spaced"));
  }

  @ParameterizedTest
  @MethodSource("jsonValues")
  void resolve_jsonKey_extractsTopLevelValues(String secretJson, String expected) {
    aws.fake.putSecret("json/secret", secretJson);
    assertThat(resolve("aws-sm:json/secret#k")).isEqualTo(expected);
  }

  @Test
  void resolve_jsonKey_missing_isNotFound_withoutTheValue() {
    String value = LeakAssertions.randomSecret();
    aws.fake.putSecret("json/missing", "{\"password\":\"" + value + "\"}");
    Throwable t = catchThrowable(() -> resolve("aws-sm:json/missing#Password"));
    assertThat(t).isInstanceOf(SecretNotFoundException.class)
        .hasMessageContaining("'Password'").hasMessageContaining("aws-sm:json/missing#Password");
    assertNoValue(t, value);
  }

  @Test
  void resolve_jsonKey_onNonJsonSecret_isFormatError_withoutTheValue() {
    String value = LeakAssertions.randomSecret();
    for (String body : List.of(value, "[\"" + value + "\"]", "{\"password\":\"" + value + "\"",
        "{\"password\":\"" + value + "\"} trailing", "{\"password\":" + value + "}")) {
      aws.fake.putSecret("json/broken", body);
      Throwable t = catchThrowable(() -> resolve("aws-sm:json/broken#password"));
      assertThat(t).as(body.replace(value, "<value>")).isInstanceOf(SecretFormatException.class)
          .hasMessageContaining("not a JSON object");
      assertNoValue(t, value);
    }
  }

  @Test
  void resolve_jsonKey_nullOrEmpty_isFormatError() {
    aws.fake.putSecret("json/null", "{\"k\":null}");
    assertThatThrownBy(() -> resolve("aws-sm:json/null#k")).isInstanceOf(SecretFormatException.class)
        .hasMessageContaining("null");
    aws.fake.putSecret("json/empty", "{\"k\":\"\"}");
    assertThatThrownBy(() -> resolve("aws-sm:json/empty#k")).isInstanceOf(SecretFormatException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void resolve_secretBinary_isBinaryValue() {
    byte[] bytes = new byte[48];
    new SecureRandom().nextBytes(bytes);
    bytes[0] = (byte) 0xff; // not valid UTF-8
    aws.fake.putBinarySecret("bin/key", bytes);
    ResolvedSecret r = provider.resolve(SecretRef.parse("aws-sm:bin/key"));
    try {
      assertThat(r.value().isBinary()).isTrue();
      assertThat(r.value().revealBytes()).isEqualTo(bytes);
    } finally {
      r.destroy();
    }
  }

  @Test
  void resolve_secretBinaryHoldingJson_supportsJsonKey() {
    String value = LeakAssertions.randomSecret();
    aws.fake.putBinarySecret("bin/json", ("{\"token\":\"" + value + "\"}").getBytes(StandardCharsets.UTF_8));
    assertThat(resolve("aws-sm:bin/json#token")).isEqualTo(value);
  }

  @Test
  void resolve_answerWithNeitherStringNorBinary_isFormatError_notEmptySecret() {
    aws.stubJson("secretsmanager.GetSecretValue", json(200, "{\"ARN\":\""
        + FakeAwsServices.secretArn("empty") + "\",\"Name\":\"empty\",\"VersionId\":\"" + VERSION_ID
        + "\",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.523477145713E9}"));
    assertThatThrownBy(() -> resolve("aws-sm:empty")).isInstanceOf(SecretFormatException.class)
        .hasMessageContaining("neither SecretString nor SecretBinary")
        .hasMessageContaining("aws-sm:empty");
  }

  @Test
  void resolve_emptySecretString_isFormatError() {
    aws.fake.putSecret("blank", "");
    assertThatThrownBy(() -> resolve("aws-sm:blank")).isInstanceOf(SecretFormatException.class)
        .hasMessageContaining("empty");
  }

  static Stream<Arguments> errorCodes() {
    return Stream.of(
        Arguments.of(400, "ResourceNotFoundException", SecretNotFoundException.class, false),
        Arguments.of(400, "AccessDeniedException", SecretAccessDeniedException.class, false),
        Arguments.of(400, "DecryptionFailure", SecretAccessDeniedException.class, false),
        Arguments.of(400, "UnrecognizedClientException", SecretAccessDeniedException.class, false),
        Arguments.of(403, "InvalidSignatureException", SecretAccessDeniedException.class, false),
        Arguments.of(400, "ExpiredTokenException", SecretAccessDeniedException.class, false),
        Arguments.of(400, "InvalidParameterException", InvalidReferenceException.class, false),
        Arguments.of(400, "InvalidRequestException", SecretNotFoundException.class, false),
        Arguments.of(400, "ThrottlingException", ProviderUnavailableException.class, true),
        Arguments.of(500, "InternalServiceError", ProviderUnavailableException.class, true),
        Arguments.of(503, "ServiceUnavailable", ProviderUnavailableException.class, true),
        Arguments.of(400, "SomethingNewException", KeyholeException.class, false));
  }

  @ParameterizedTest(name = "{1} -> {2}")
  @MethodSource("errorCodes")
  void resolve_mapsAwsErrorCodes_toTypedErrors_withoutCopyingAwsText(int status, String code,
      Class<? extends KeyholeException> type, boolean retryable) {
    String planted = LeakAssertions.randomSecret();
    aws.stubJson("secretsmanager.GetSecretValue", jsonError(status, code, "echo " + planted));
    Throwable t = catchThrowable(() -> resolve("aws-sm:prod/errors#key"));
    assertThat(t).isExactlyInstanceOf(type);
    assertThat(((KeyholeException) t).retryable()).isEqualTo(retryable);
    assertThat(t.getMessage()).contains("aws-sm:prod/errors#key").contains(code)
        .contains("HTTP " + status).contains("request id");
    assertNoValue(t, planted);
  }

  @Test
  void resolveAll_batchesAtMost20SecretsPerCall() {
    List<SecretRef> refs = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String v = LeakAssertions.randomSecret();
      values.add(v);
      aws.fake.putSecret("batch/s" + i, v);
      refs.add(SecretRef.parse("aws-sm:batch/s" + i));
    }
    Map<SecretRef, Result> results = provider.resolveAll(refs);
    for (int i = 0; i < 25; i++) {
      ResolvedSecret r = results.get(refs.get(i)).getOrThrow();
      assertThat(r.value().revealString()).isEqualTo(values.get(i));
      r.destroy();
    }
    List<LoggedRequest> batches = aws.wm.findAll(jsonCall("secretsmanager.BatchGetSecretValue"));
    assertThat(batches).hasSize(2);
    assertThat(batches.stream().map(b -> tree(b).path("SecretIdList").size()).toList())
        .containsExactlyInAnyOrder(20, 5);
    aws.wm.verify(0, jsonCall("secretsmanager.GetSecretValue"));
  }

  @Test
  void resolveAll_perSecretErrorsInA200_becomeTypedFailures() {
    String ok = LeakAssertions.randomSecret();
    aws.fake.putSecret("batch/ok", ok);
    aws.fake.putSecret("batch/denied", LeakAssertions.randomSecret());
    aws.fake.deny("batch/denied");
    SecretRef refOk = SecretRef.parse("aws-sm:batch/ok");
    SecretRef refDenied = SecretRef.parse("aws-sm:batch/denied");
    SecretRef refMissing = SecretRef.parse("aws-sm:batch/missing");

    Map<SecretRef, Result> results = provider.resolveAll(List.of(refOk, refDenied, refMissing));

    ResolvedSecret r = results.get(refOk).getOrThrow();
    assertThat(r.value().revealString()).isEqualTo(ok);
    r.destroy();
    assertThatThrownBy(() -> results.get(refDenied).getOrThrow())
        .isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("aws-sm:batch/denied");
    assertThatThrownBy(() -> results.get(refMissing).getOrThrow())
        .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("aws-sm:batch/missing");
    aws.wm.verify(1, jsonCall("secretsmanager.BatchGetSecretValue")
        .withRequestBody(equalToJson("{\"SecretIdList\":[\"batch/ok\",\"batch/denied\","
            + "\"batch/missing\"]}")));
    aws.wm.verify(0, jsonCall("secretsmanager.GetSecretValue"));
  }

  @Test
  void resolveAll_oneSecretWithSeveralKeys_isFetchedOnce_andPinnedVersionsAlone() {
    String user = LeakAssertions.randomSecret();
    String pass = LeakAssertions.randomSecret();
    aws.fake.putSecret("batch/db", "{\"user\":\"" + user + "\",\"pass\":\"" + pass + "\"}");
    aws.fake.putSecret("batch/other", LeakAssertions.randomSecret());
    SecretRef u = SecretRef.parse("aws-sm:batch/db#user");
    SecretRef p = SecretRef.parse("aws-sm:batch/db#pass");
    SecretRef o = SecretRef.parse("aws-sm:batch/other");
    SecretRef pinned = SecretRef.parse("aws-sm:batch/other::AWSCURRENT:" + VERSION_ID);

    Map<SecretRef, Result> results = provider.resolveAll(List.of(u, p, o, pinned));

    assertThat(reveal(results.get(u))).isEqualTo(user);
    assertThat(reveal(results.get(p))).isEqualTo(pass);
    assertThat(results.get(o).isSuccess()).isTrue();
    assertThat(results.get(pinned).isSuccess()).isTrue();
    aws.wm.verify(1, jsonCall("secretsmanager.BatchGetSecretValue")
        .withRequestBody(equalToJson("{\"SecretIdList\":[\"batch/db\",\"batch/other\"]}")));
    aws.wm.verify(1, jsonCall("secretsmanager.GetSecretValue")
        .withRequestBody(matchingJsonPath("$.VersionId", equalTo(VERSION_ID))));
  }

  @Test
  void resolveAll_whenBatchingIsDenied_fallsBackToGetSecretValue() {
    String a = LeakAssertions.randomSecret();
    String b = LeakAssertions.randomSecret();
    aws.fake.putSecret("fallback/a", a);
    aws.fake.putSecret("fallback/b", b);
    aws.stubJson("secretsmanager.BatchGetSecretValue", jsonError(400, "AccessDeniedException",
        "User is not authorized to perform: secretsmanager:BatchGetSecretValue"));
    SecretRef ra = SecretRef.parse("aws-sm:fallback/a");
    SecretRef rb = SecretRef.parse("aws-sm:fallback/b");

    Map<SecretRef, Result> results = provider.resolveAll(List.of(ra, rb));

    assertThat(reveal(results.get(ra))).isEqualTo(a);
    assertThat(reveal(results.get(rb))).isEqualTo(b);
    aws.wm.verify(2, jsonCall("secretsmanager.GetSecretValue"));
  }

  @Test
  void resolveAll_followsNextToken_andFetchesUnansweredIdsAlone() {
    String a = LeakAssertions.randomSecret();
    String b = LeakAssertions.randomSecret();
    String c = LeakAssertions.randomSecret();
    aws.fake.putSecret("page/c", c);
    String arnA = FakeAwsServices.secretArn("page/a");
    String arnB = FakeAwsServices.secretArn("page/b");
    aws.wm.stubFor(post("/").atPriority(1)
        .withHeader("X-Amz-Target", equalTo("secretsmanager.BatchGetSecretValue"))
        .withRequestBody(notContaining("NextToken"))
        .willReturn(json(200, "{\"Errors\":[],\"NextToken\":\"page-2\",\"SecretValues\":["
            + secretAnswer(arnA, "page/a", a) + "]}")));
    aws.wm.stubFor(post("/").atPriority(1)
        .withHeader("X-Amz-Target", equalTo("secretsmanager.BatchGetSecretValue"))
        .withRequestBody(matchingJsonPath("$.NextToken", equalTo("page-2")))
        .willReturn(json(200, "{\"Errors\":[],\"SecretValues\":["
            + secretAnswer(arnB, "page/b", b) + "]}")));
    SecretRef ra = SecretRef.parse("aws-sm:page/a");
    SecretRef rb = SecretRef.parse("aws-sm:" + arnB.substring(0, arnB.length() - 7)); // partial ARN
    SecretRef rc = SecretRef.parse("aws-sm:page/c");

    Map<SecretRef, Result> results = provider.resolveAll(List.of(ra, rb, rc));

    assertThat(reveal(results.get(ra))).isEqualTo(a);
    assertThat(reveal(results.get(rb))).isEqualTo(b);
    assertThat(reveal(results.get(rc))).isEqualTo(c);
    aws.wm.verify(2, jsonCall("secretsmanager.BatchGetSecretValue"));
    aws.wm.verify(1, jsonCall("secretsmanager.GetSecretValue")
        .withRequestBody(equalToJson("{\"SecretId\":\"page/c\"}")));
  }

  @Test
  void callerOwnedClient_isUsedAsIs_andOtherRegionsAreAConfigurationError() {
    String value = LeakAssertions.randomSecret();
    aws.fake.putSecret("owned", value);
    AwsClientOptions o = aws.options().build();
    try (SecretsManagerClient client = SecretsManagerClient.builder().region(Region.US_EAST_1)
        .endpointOverride(aws.endpoint()).credentialsProvider(o.credentialsProvider().get())
        .build()) {
      SecretsManagerProvider p = SecretsManagerProvider.builder().client(client).build();
      ResolvedSecret r = p.resolve(SecretRef.parse("aws-sm:owned"));
      assertThat(r.value().revealString()).isEqualTo(value);
      r.destroy();
      assertThatThrownBy(() -> p.resolve(SecretRef.parse(
          "aws-sm:arn:aws:secretsmanager:eu-west-1:111122223333:secret:owned-AbCdEf")))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("eu-west-1");
      p.close();
      // Closing the provider leaves the caller's client usable.
      assertThat(client.getSecretValue(b -> b.secretId("owned")).name()).isEqualTo("owned");
    }
  }

  @Test
  void toString_namesIdAndRegion_only() {
    assertThat(provider.toString()).contains("aws-secrets-manager").contains("us-east-1");
    assertThat(provider.id()).isEqualTo(SecretsManagerProvider.DEFAULT_ID);
    assertThat(provider.schemes()).containsExactly("aws-sm");
  }

  private static String reveal(Result result) {
    ResolvedSecret r = result.getOrThrow();
    try {
      return r.value().revealString();
    } finally {
      r.destroy();
    }
  }

  private static JsonNode tree(LoggedRequest r) {
    try {
      return JSON.readTree(r.getBodyAsString());
    } catch (Exception e) {
      throw new AssertionError("request body is not JSON", e);
    }
  }

  static void assertNoValue(Throwable t, String... values) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    LeakAssertions.assertNoLeak("exception", w + "\n" + t, values);
  }

  static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
