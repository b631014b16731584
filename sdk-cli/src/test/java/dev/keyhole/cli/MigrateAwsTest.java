package dev.keyhole.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.keyhole.Keyhole;
import dev.keyhole.Policy;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskScope;
import dev.keyhole.Use;
import dev.keyhole.providers.Dotenv;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import dev.keyhole.testkit.LeakAssertions;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * {@code keyhole migrate --to aws-sm} through the real AWS SDK v2 client against WireMock speaking
 * Secrets Manager's JSON 1.1 protocol ({@code X-Amz-Target} operations, {@code __type} errors).
 */
class MigrateAwsTest extends WireMockMigrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AMZ_JSON = "application/x-amz-json-1.1";
  private final String accessKeyId = Fakes.awsAccessKeyId();
  private final String secretAccessKey = Fakes.awsSecretAccessKey();
  private final String github = Fakes.githubToken();
  private final String dbPassword = Fakes.password();
  private final String stripe = Fakes.token();
  private TestRepo repo;

  @BeforeEach
  void setUp() {
    repo = repoWithEnv("GITHUB_TOKEN=" + github + "\nDB_PASSWORD=" + dbPassword
        + "\nSTRIPE_SECRET_KEY=" + stripe + "\nLOG_LEVEL=info\n");
    repo.env.put("AWS_ACCESS_KEY_ID", accessKeyId);
    repo.env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
    repo.env.put("AWS_REGION", "us-east-1");
  }

  private String[] migrate(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("migrate", ".env", "--to", "aws-sm",
        "--aws-endpoint", wm.baseUrl(), "--apply"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private static MappingBuilder op(String operation) {
    return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager." + operation));
  }

  private static ResponseDefinitionBuilder ok(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", AMZ_JSON).withBody(body);
  }

  private static ResponseDefinitionBuilder error(int status, String type, String message) {
    return aResponse().withStatus(status).withHeader("Content-Type", AMZ_JSON)
        .withHeader("x-amzn-RequestId", "4f1c7a52-0b1e-4d0f-9d57-6f0f7c3a2b11")
        .withBody("{\"__type\":\"" + type + "\",\"Message\":\"" + message + "\"}");
  }

  private static String arn(String name) {
    return "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name + "-Ab12Cd";
  }

  private static ResponseDefinitionBuilder notFound() {
    return error(400, "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.");
  }

  private List<JsonNode> requests(String operation) throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (LoggedRequest r : wm.findAll(postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("secretsmanager." + operation)))) {
      out.add(JSON.readTree(r.getBodyAsString()));
    }
    return out;
  }

  @Test
  void perFile_createsOneJsonSecret_andTheReferencesResolveThroughKeyhole() throws Exception {
    wm.stubFor(op("DescribeSecret").willReturn(notFound()));
    wm.stubFor(op("CreateSecret").withRequestBody(matchingJsonPath("$.Name", equalTo("app-env")))
        .willReturn(ok("{\"ARN\":\"" + arn("app-env") + "\",\"Name\":\"app-env\","
            + "\"VersionId\":\"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111\"}")));

    TestRepo.Run run = repo.run(migrate());
    assertThat(run.exit()).as(run.all()).isZero();
    LeakAssertions.assertNoLeak("output", run.all(), github, dbPassword, stripe, secretAccessKey);
    repo.assertNoSecretInWorkingTree(github, dbPassword, stripe, secretAccessKey);

    List<JsonNode> creates = requests("CreateSecret");
    assertThat(creates).hasSize(1);
    JsonNode create = creates.get(0);
    assertThat(create.path("Name").asText()).isEqualTo("app-env");
    assertThat(create.path("Description").asText()).contains("keyhole migrate", ".env");
    assertThat(create.path("Tags").get(0).path("Key").asText()).isEqualTo("managed-by");
    assertThat(create.path("ClientRequestToken").asText()).isNotBlank();
    String secretString = create.path("SecretString").asText();
    assertThat(JSON.readValue(secretString, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {})).isEqualTo(Map.of("GITHUB_TOKEN", github,
        "DB_PASSWORD", dbPassword, "STRIPE_SECRET_KEY", stripe));
    assertThat(wm.findAll(postRequestedFor(urlEqualTo("/"))).get(0).getHeader("Authorization"))
        .contains("Credential=" + accessKeyId).doesNotContain(secretAccessKey);

    Map<String, String> env = Dotenv.parse(repo.read(".env"));
    assertThat(env).containsEntry("GITHUB_TOKEN", "aws-sm:app-env#GITHUB_TOKEN")
        .containsEntry("LOG_LEVEL", "info");

    // Secrets Manager now holds what the CLI sent; read it back through Keyhole.
    wm.stubFor(op("GetSecretValue").withRequestBody(matchingJsonPath("$.SecretId",
        equalTo("app-env"))).willReturn(ok(JSON.createObjectNode().put("ARN", arn("app-env"))
            .put("Name", "app-env").put("SecretString", secretString)
            .put("VersionId", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111")
            .put("CreatedDate", 1.772360131E9).toString())));
    Policy policy = Policy.load(repo.root.resolve("keyhole-policy.yaml"));
    try (AwsSmProvider provider = new AwsSmProvider(wm.baseUrl(), accessKeyId, secretAccessKey);
        Keyhole keyhole = Keyhole.builder().provider(provider).policy(policy).build();
        TaskScope task = keyhole.openTask("github_token", "db_password", "stripe_secret_key")) {
      assertThat(task.resolve(task.handle("github_token"), Use.byTool("t")).revealString())
          .isEqualTo(github);
      assertThat(task.resolve(task.handle("db_password"), Use.byTool("t")).revealString())
          .isEqualTo(dbPassword);
      assertThat(task.resolve(task.handle("stripe_secret_key"), Use.byTool("t")).revealString())
          .isEqualTo(stripe);
    }
  }

  @Test
  void perFile_existingSecret_getsANewVersion_keepingItsOtherKeys() throws Exception {
    wm.stubFor(op("DescribeSecret").willReturn(ok("{\"ARN\":\"" + arn("app-env") + "\","
        + "\"Name\":\"app-env\",\"LastChangedDate\":1.7e9,\"VersionIdsToStages\":"
        + "{\"v1\":[\"AWSCURRENT\"]}}")));
    wm.stubFor(op("GetSecretValue").willReturn(ok("{\"ARN\":\"" + arn("app-env") + "\","
        + "\"Name\":\"app-env\",\"SecretString\":\"{\\\"LEGACY_KEY\\\":\\\"kept-1234\\\","
        + "\\\"GITHUB_TOKEN\\\":\\\"old-0000\\\"}\",\"VersionId\":\"v1\","
        + "\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7e9}")));
    wm.stubFor(op("PutSecretValue").willReturn(ok("{\"ARN\":\"" + arn("app-env") + "\","
        + "\"Name\":\"app-env\",\"VersionId\":\"v2\",\"VersionStages\":[\"AWSCURRENT\"]}")));

    TestRepo.Run run = repo.run(migrate());
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(requests("CreateSecret")).isEmpty();
    List<JsonNode> puts = requests("PutSecretValue");
    assertThat(puts).hasSize(1);
    assertThat(puts.get(0).path("SecretId").asText()).isEqualTo("app-env");
    assertThat(JSON.readValue(puts.get(0).path("SecretString").asText(), new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {}))
        .isEqualTo(Map.of("LEGACY_KEY", "kept-1234", "GITHUB_TOKEN", github,
            "DB_PASSWORD", dbPassword, "STRIPE_SECRET_KEY", stripe));
    assertThat(run.all()).doesNotContain("kept-1234").doesNotContain("old-0000");
  }

  @Test
  void perKey_failureInTheMiddle_reportsStoredKeys_andLeavesTheFileUnchanged() throws Exception {
    String before = repo.read(".env");
    wm.stubFor(op("DescribeSecret").willReturn(notFound()));
    wm.stubFor(op("CreateSecret")
        .withRequestBody(matchingJsonPath("$.Name", equalTo("dev/app-env/GITHUB_TOKEN")))
        .willReturn(ok("{\"ARN\":\"" + arn("dev/app-env/GITHUB_TOKEN")
            + "\",\"Name\":\"dev/app-env/GITHUB_TOKEN\",\"VersionId\":\"v1\"}")));
    wm.stubFor(op("CreateSecret")
        .withRequestBody(matchingJsonPath("$.Name", equalTo("dev/app-env/DB_PASSWORD")))
        .willReturn(error(400, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/dev"
            + " is not authorized to perform: secretsmanager:CreateSecret on resource:"
            + " dev/app-env/DB_PASSWORD because no identity-based policy allows the"
            + " secretsmanager:CreateSecret action")));

    TestRepo.Run run = repo.run(migrate("--aws-layout", "per-key", "--aws-prefix", "dev/"));
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out())
        .contains("Stored, but the file was left unchanged (re-run to finish): .env: GITHUB_TOKEN")
        .contains("Not moved: .env: DB_PASSWORD, STRIPE_SECRET_KEY");
    assertThat(run.err()).contains("AccessDeniedException, HTTP 400",
        "secretsmanager:DescribeSecret, CreateSecret");
    assertThat(repo.read(".env")).isEqualTo(before);
    assertThat(repo.root.resolve("keyhole-policy.yaml")).doesNotExist();
    assertThat(requests("CreateSecret")).extracting(n -> n.path("Name").asText())
        .containsExactly("dev/app-env/GITHUB_TOKEN", "dev/app-env/DB_PASSWORD");
    assertThat(requests("CreateSecret").get(0).path("SecretString").asText()).isEqualTo(github);
    LeakAssertions.assertNoLeak("output", run.all(), github, dbPassword, stripe, secretAccessKey);

    // Re-running after fixing permissions finishes the job: existing secrets get a new version.
    wm.resetAll();
    wm.stubFor(op("DescribeSecret")
        .withRequestBody(matchingJsonPath("$.SecretId", equalTo("dev/app-env/GITHUB_TOKEN")))
        .willReturn(ok("{\"ARN\":\"" + arn("dev/app-env/GITHUB_TOKEN")
            + "\",\"Name\":\"dev/app-env/GITHUB_TOKEN\"}")));
    wm.stubFor(op("DescribeSecret")
        .withRequestBody(matchingJsonPath("$.SecretId", equalTo("dev/app-env/DB_PASSWORD")))
        .willReturn(notFound()));
    wm.stubFor(op("DescribeSecret")
        .withRequestBody(matchingJsonPath("$.SecretId", equalTo("dev/app-env/STRIPE_SECRET_KEY")))
        .willReturn(notFound()));
    wm.stubFor(op("CreateSecret").willReturn(ok("{\"Name\":\"x\",\"VersionId\":\"v1\"}")));
    wm.stubFor(op("PutSecretValue").willReturn(ok("{\"Name\":\"x\",\"VersionId\":\"v2\"}")));
    TestRepo.Run again = repo.run(migrate("--aws-layout", "per-key", "--aws-prefix", "dev/"));
    assertThat(again.exit()).as(again.all()).isZero();
    assertThat(requests("PutSecretValue")).extracting(n -> n.path("SecretId").asText())
        .containsExactly("dev/app-env/GITHUB_TOKEN");
    assertThat(Dotenv.parse(repo.read(".env"))).containsEntry("DB_PASSWORD",
        "aws-sm:dev/app-env/DB_PASSWORD");
  }

  @Test
  void secretScheduledForDeletion_isRefusedWithTheFix() {
    String before = repo.read(".env");
    wm.stubFor(op("DescribeSecret").willReturn(ok("{\"ARN\":\"" + arn("app-env") + "\","
        + "\"Name\":\"app-env\",\"DeletedDate\":1.7723e9}")));
    TestRepo.Run run = repo.run(migrate());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("scheduled for deletion",
        "aws secretsmanager restore-secret --secret-id app-env");
    assertThat(repo.read(".env")).isEqualTo(before);
  }

  @Test
  void dryRun_needsNoAwsAccess() {
    repo.env.remove("AWS_REGION");
    TestRepo.Run run = repo.run("migrate", ".env", "--to", "aws-sm", "--aws-layout", "per-key");
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(run.out()).contains("aws-sm:app-env/GITHUB_TOKEN", "one secret per key");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  /**
   * A minimal Keyhole provider for {@code aws-sm:NAME[#KEY]}, for this test only (keyhole-aws holds
   * the real one): the real SDK client against WireMock.
   */
  static final class AwsSmProvider implements SecretProvider {
    private final SecretsManagerClient client;

    AwsSmProvider(String endpoint, String id, String secret) {
      client = SecretsManagerClient.builder().endpointOverride(URI.create(endpoint))
          .region(Region.US_EAST_1).httpClient(UrlConnectionHttpClient.create())
          .credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create(id, secret))).build();
    }

    @Override
    public String id() {
      return "test-aws-sm";
    }

    @Override
    public Set<String> schemes() {
      return Set.of("aws-sm");
    }

    @Override
    public ResolvedSecret resolve(SecretRef ref) {
      int hash = ref.path().indexOf('#');
      String name = hash < 0 ? ref.path() : ref.path().substring(0, hash);
      String s = client.getSecretValue(r -> r.secretId(name)).secretString();
      if (hash < 0) {
        return ResolvedSecret.of(SecretValue.ofString(s));
      }
      try {
        JsonNode v = JSON.readTree(s).get(ref.path().substring(hash + 1));
        if (v == null) {
          throw new SecretNotFoundException("no key in " + ref);
        }
        return ResolvedSecret.of(SecretValue.ofString(v.asText()));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new SecretNotFoundException("not JSON: " + ref);
      }
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
