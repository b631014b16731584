package dev.keyhole.aws;

import static dev.keyhole.aws.AwsTestServer.json;
import static dev.keyhole.aws.AwsTestServer.jsonCall;
import static dev.keyhole.aws.AwsTestServer.jsonError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.keyhole.KeyholeException;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretValue;
import dev.keyhole.testkit.LeakAssertions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Secrets Manager writer through the real SDK client against WireMock speaking AWS JSON 1.1. */
class SecretsManagerWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final AwsTestServer aws = AwsTestServer.create();
  private SecretsManagerWriter writer;
  private final String github = LeakAssertions.randomSecret();
  private final String db = LeakAssertions.randomSecret();

  @BeforeEach
  void setUp() {
    writer = SecretsManagerWriter.builder().options(aws.options().build()).build();
  }

  @AfterEach
  void tearDown() {
    writer.close();
  }

  private Map<String, SecretValue> entries() {
    Map<String, SecretValue> m = new LinkedHashMap<>();
    m.put("GITHUB_TOKEN", SecretValue.ofString(github));
    m.put("DB_PASSWORD", SecretValue.ofString(db));
    return m;
  }

  private static String arn(String name) {
    return FakeAwsServices.secretArn(name);
  }

  private static List<JsonNode> requests(String op) {
    return aws.wm.findAll(jsonCall("secretsmanager." + op)).stream()
        .map(SecretsManagerWriterTest::tree).toList();
  }

  private static JsonNode tree(LoggedRequest r) {
    try {
      return JSON.readTree(r.getBodyAsString());
    } catch (Exception e) {
      throw new AssertionError("request body is not JSON", e);
    }
  }

  private void notFound() {
    aws.stubJson("secretsmanager.DescribeSecret", jsonError(400, "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret."));
  }

  @Test
  void newSecret_isCreatedOnce_asAJsonObject_taggedManagedByKeyhole() throws Exception {
    notFound();
    aws.stubJson("secretsmanager.CreateSecret", json(200, "{\"ARN\":\"" + arn("dev/app-env")
        + "\",\"Name\":\"dev/app-env\",\"VersionId\":\"v1\"}"));
    writer.putJsonKeys("dev/app-env", entries(), "Moved by keyhole migrate from .env");
    List<JsonNode> creates = requests("CreateSecret");
    assertThat(creates).hasSize(1);
    JsonNode c = creates.get(0);
    assertThat(c.path("Name").asText()).isEqualTo("dev/app-env");
    assertThat(c.path("Description").asText()).contains(".env");
    assertThat(JSON.readTree(c.path("SecretString").asText()).toString())
        .isEqualTo("{\"GITHUB_TOKEN\":\"" + github + "\",\"DB_PASSWORD\":\"" + db + "\"}");
    assertThat(c.path("Tags").toString()).isEqualTo("[{\"Key\":\"managed-by\",\"Value\":\"keyhole\"}]");
    aws.wm.verify(0, jsonCall("secretsmanager.PutSecretValue"));
  }

  @Test
  void existingJsonSecret_getsANewVersion_keepingItsOtherKeys() throws Exception {
    String kept = LeakAssertions.randomSecret();
    aws.stubJson("secretsmanager.DescribeSecret", json(200, "{\"ARN\":\"" + arn("app-env")
        + "\",\"Name\":\"app-env\"}"));
    aws.stubJson("secretsmanager.GetSecretValue", json(200, "{\"ARN\":\"" + arn("app-env")
        + "\",\"Name\":\"app-env\",\"VersionId\":\"v1\",\"SecretString\":"
        + JSON.writeValueAsString("{\"KEPT\":\"" + kept + "\",\"GITHUB_TOKEN\":\"old\"}") + "}"));
    aws.stubJson("secretsmanager.PutSecretValue", json(200, "{\"Name\":\"app-env\",\"VersionId\":\"v2\"}"));
    writer.putJsonKeys("app-env", entries(), "x");
    JsonNode put = requests("PutSecretValue").get(0);
    assertThat(put.path("SecretId").asText()).isEqualTo("app-env");
    JsonNode value = JSON.readTree(put.path("SecretString").asText());
    assertThat(value.path("KEPT").asText()).isEqualTo(kept);
    assertThat(value.path("GITHUB_TOKEN").asText()).isEqualTo(github);
    assertThat(value.path("DB_PASSWORD").asText()).isEqualTo(db);
    aws.wm.verify(0, jsonCall("secretsmanager.CreateSecret"));
  }

  @Test
  void existingSecretThatIsNotAJsonObject_isRefused_withoutWriting() {
    aws.stubJson("secretsmanager.DescribeSecret", json(200, "{\"Name\":\"app-env\"}"));
    String old = LeakAssertions.randomSecret();
    aws.stubJson("secretsmanager.GetSecretValue", json(200, "{\"Name\":\"app-env\","
        + "\"SecretString\":\"" + old + "\"}"));
    assertThatThrownBy(() -> writer.putJsonKeys("app-env", entries(), "x"))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("not a JSON object")
        .satisfies(e -> LeakAssertions.assertNoLeak("message", e.getMessage(), old, github, db));
    aws.wm.verify(0, jsonCall("secretsmanager.PutSecretValue"));
  }

  @Test
  void secretScheduledForDeletion_isRefusedWithTheRestoreCommand() {
    aws.stubJson("secretsmanager.DescribeSecret", json(200, "{\"Name\":\"app-env\","
        + "\"DeletedDate\":1.7723e9}"));
    assertThatThrownBy(() -> writer.putValue("app-env", SecretValue.ofString(github), "x"))
        .isInstanceOf(KeyholeException.class)
        .hasMessageContaining("aws secretsmanager restore-secret --secret-id app-env");
    aws.wm.verify(0, jsonCall("secretsmanager.PutSecretValue"));
    aws.wm.verify(0, jsonCall("secretsmanager.CreateSecret"));
  }

  @Test
  void deniedWrite_isTyped_namesThePermissions_andNeverTheValue() {
    notFound();
    aws.stubJson("secretsmanager.CreateSecret", jsonError(400, "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform:"
            + " secretsmanager:CreateSecret"));
    assertThatThrownBy(() -> writer.putValue("dev/app-env/GITHUB_TOKEN",
        SecretValue.ofString(github), "x"))
        .isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("AccessDeniedException, HTTP 400")
        .hasMessageContaining("secretsmanager:DescribeSecret, CreateSecret")
        .satisfies(e -> LeakAssertions.assertNoLeak("message", e.getMessage(), github));
  }

  @Test
  void plainValue_newVersionOfAnExistingSecret() {
    aws.stubJson("secretsmanager.DescribeSecret", json(200, "{\"Name\":\"app-env/GITHUB_TOKEN\"}"));
    aws.stubJson("secretsmanager.PutSecretValue", json(200, "{\"VersionId\":\"v2\"}"));
    writer.putValue("app-env/GITHUB_TOKEN", SecretValue.ofString(github), "x");
    assertThat(requests("PutSecretValue").get(0).path("SecretString").asText()).isEqualTo(github);
    aws.wm.verify(0, jsonCall("secretsmanager.GetSecretValue")); // a plain value is not read first
  }
}
