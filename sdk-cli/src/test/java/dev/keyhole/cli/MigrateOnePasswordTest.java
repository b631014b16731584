package dev.keyhole.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code keyhole migrate --to op} through the CLI's real OkHttp client against WireMock speaking
 * the 1Password Connect REST API (vault lookup, item list by title, create, read, replace, error
 * bodies).
 */
class MigrateOnePasswordTest extends WireMockMigrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String connectToken = "eyJ" + "hbGciOiJFUzI1NiJ9." + LeakAssertions.randomSecret(60);
  private final String vaultId = uuid26();
  private final String itemId = uuid26();
  private final String github = Fakes.githubToken();
  private final String dbPassword = Fakes.password();
  private TestRepo repo;

  @BeforeEach
  void setUp() {
    repo = repoWithEnv("GITHUB_TOKEN=" + github + "\nDB_PASSWORD='" + dbPassword + "'\nPORT=3000\n");
    repo.env.put("OP_CONNECT_HOST", wm.baseUrl());
    repo.env.put("OP_CONNECT_TOKEN", connectToken);
    stubVault();
  }

  private void stubVault() {
    wm.stubFor(get(urlPathEqualTo("/v1/vaults"))
        .withHeader("Authorization", equalTo("Bearer " + connectToken))
        .withQueryParam("filter", equalTo("name eq \"Dev\""))
        .willReturn(okJson("[{\"id\":\"" + vaultId + "\",\"name\":\"Dev\",\"attributeVersion\":1,"
            + "\"contentVersion\":12,\"items\":4,\"type\":\"USER_CREATED\","
            + "\"createdAt\":\"2025-11-02T09:14:03Z\",\"updatedAt\":\"2026-02-20T16:41:09Z\"}]")));
  }

  private String items() {
    return "/v1/vaults/" + vaultId + "/items";
  }

  @Test
  void createsOneItemPerFile_withConcealedFields_andTheReferencesResolve() throws Exception {
    wm.stubFor(get(urlPathEqualTo(items())).inScenario("item")
        .whenScenarioStateIs(Scenario.STARTED)
        .withQueryParam("filter", equalTo("title eq \"app-env\""))
        .willReturn(okJson("[]")));
    wm.stubFor(post(urlPathEqualTo(items())).inScenario("item")
        .withHeader("Authorization", equalTo("Bearer " + connectToken))
        .withHeader("Content-Type", matching("application/json.*"))
        .willReturn(okJson(createdItem()))
        .willSetStateTo("created"));

    TestRepo.Run run = repo.run("migrate", ".env", "--to", "op", "--vault", "Dev", "--apply");
    assertThat(run.exit()).as(run.all()).isZero();
    LeakAssertions.assertNoLeak("output", run.all(), github, dbPassword, connectToken);
    repo.assertNoSecretInWorkingTree(github, dbPassword, connectToken);

    List<com.github.tomakehurst.wiremock.verification.LoggedRequest> posts =
        wm.findAll(postRequestedFor(urlPathEqualTo(items())));
    assertThat(posts).hasSize(1);
    JsonNode body = JSON.readTree(posts.get(0).getBodyAsString());
    assertThat(body.path("title").asText()).isEqualTo("app-env");
    assertThat(body.path("vault").path("id").asText()).isEqualTo(vaultId);
    assertThat(body.path("category").asText()).isEqualTo("API_CREDENTIAL");
    assertThat(body.path("fields")).hasSize(2);
    assertThat(fieldValues(body)).isEqualTo(Map.of("GITHUB_TOKEN", github,
        "DB_PASSWORD", dbPassword));
    body.path("fields").forEach(f -> assertThat(f.path("type").asText()).isEqualTo("CONCEALED"));

    Map<String, String> env = Dotenv.parse(repo.read(".env"));
    assertThat(env).containsEntry("GITHUB_TOKEN", "op://Dev/app-env/GITHUB_TOKEN")
        .containsEntry("DB_PASSWORD", "op://Dev/app-env/DB_PASSWORD")
        .containsEntry("PORT", "3000");

    // Resolve the references through Keyhole, reading the item Connect now holds (as created).
    ObjectNode stored = (ObjectNode) body.deepCopy();
    stored.put("id", itemId);
    wm.stubFor(get(urlPathEqualTo(items())).inScenario("item").whenScenarioStateIs("created")
        .withQueryParam("filter", equalTo("title eq \"app-env\""))
        .willReturn(okJson("[{\"id\":\"" + itemId + "\",\"title\":\"app-env\",\"vault\":{\"id\":\""
            + vaultId + "\"},\"category\":\"API_CREDENTIAL\",\"version\":1}]")));
    wm.stubFor(get(urlPathEqualTo(items() + "/" + itemId)).willReturn(okJson(stored.toString())));
    Policy policy = Policy.load(repo.root.resolve("keyhole-policy.yaml"));
    try (ConnectProvider provider = new ConnectProvider(wm.baseUrl(), connectToken);
        Keyhole keyhole = Keyhole.builder().provider(provider).policy(policy).build();
        TaskScope task = keyhole.openTask("github_token", "db_password")) {
      assertThat(task.resolve(task.handle("github_token"), Use.byTool("any")).revealString())
          .isEqualTo(github);
      assertThat(task.resolve(task.handle("db_password"), Use.byTool("any")).revealString())
          .isEqualTo(dbPassword);
    }
    for (String key : List.of("GITHUB_TOKEN", "DB_PASSWORD")) {
      try (ConnectProvider provider = new ConnectProvider(wm.baseUrl(), connectToken)) {
        assertThat(provider.resolve(SecretRef.parse(env.get(key))).value().revealString())
            .isEqualTo(key.equals("GITHUB_TOKEN") ? github : dbPassword);
      }
    }
  }

  @Test
  void updatesAnExistingItem_keepingItsOtherFields() throws Exception {
    wm.stubFor(get(urlPathEqualTo(items()))
        .withQueryParam("filter", equalTo("title eq \"app-env\""))
        .willReturn(okJson("[{\"id\":\"" + itemId + "\",\"title\":\"app-env\",\"vault\":{\"id\":\""
            + vaultId + "\"},\"category\":\"API_CREDENTIAL\",\"version\":3}]")));
    wm.stubFor(get(urlPathEqualTo(items() + "/" + itemId)).willReturn(okJson("{\"id\":\""
        + itemId + "\",\"title\":\"app-env\",\"vault\":{\"id\":\"" + vaultId + "\"},"
        + "\"category\":\"API_CREDENTIAL\",\"version\":3,\"tags\":[\"team-a\"],"
        + "\"fields\":[{\"id\":\"x7k2\",\"label\":\"GITHUB_TOKEN\",\"type\":\"CONCEALED\","
        + "\"value\":\"stale-value-0000\"},{\"id\":\"notesPlain\",\"label\":\"notesPlain\","
        + "\"type\":\"STRING\",\"purpose\":\"NOTES\",\"value\":\"rotate quarterly\"}],"
        + "\"createdAt\":\"2025-10-01T08:00:00Z\",\"updatedAt\":\"2026-01-05T12:30:00Z\"}")));
    wm.stubFor(put(urlPathEqualTo(items() + "/" + itemId)).willReturn(okJson("{\"id\":\""
        + itemId + "\",\"title\":\"app-env\",\"version\":4}")));

    TestRepo.Run run = repo.run("migrate", ".env", "--to", "op", "--vault", "Dev", "--apply");
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo(items())))).isEmpty();
    var puts = wm.findAll(putRequestedFor(urlPathEqualTo(items() + "/" + itemId)));
    assertThat(puts).hasSize(1);
    JsonNode body = JSON.readTree(puts.get(0).getBodyAsString());
    assertThat(fieldValues(body)).containsEntry("GITHUB_TOKEN", github)
        .containsEntry("DB_PASSWORD", dbPassword).containsEntry("notesPlain", "rotate quarterly");
    assertThat(body.path("fields").get(0).path("id").asText()).isEqualTo("x7k2");
    assertThat(body.path("tags").get(0).asText()).isEqualTo("team-a");
    assertThat(body.path("version").asInt()).isEqualTo(3);
    assertThat(run.all()).doesNotContain("stale-value-0000");
  }

  @Test
  void failureInTheMiddle_firstFileMoved_secondUnchanged_reported() throws Exception {
    repo.write("services/api/.env", "SERVICE_TOKEN=" + Fakes.token() + "\n");
    String secondBefore = repo.read("services/api/.env");
    wm.stubFor(get(urlPathEqualTo(items())).willReturn(okJson("[]")));
    wm.stubFor(post(urlPathEqualTo(items()))
        .withRequestBody(matchingJsonPath("$.title", equalTo("app-env")))
        .willReturn(okJson(createdItem())));
    wm.stubFor(post(urlPathEqualTo(items()))
        .withRequestBody(matchingJsonPath("$.title", equalTo("app-services-api-env")))
        .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
            .withBody("{\"status\":403,\"message\":\"Authorization: token doesn't have write"
                + " permission on vault\"}")));

    TestRepo.Run run = repo.run("migrate", ".env", "services/api/.env", "--to", "op", "--vault",
        "Dev", "--apply");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).contains("Moved (stored, file rewritten): .env: GITHUB_TOKEN,"
        + " DB_PASSWORD").contains("Not moved: services/api/.env: SERVICE_TOKEN");
    assertThat(run.err()).contains("HTTP 403", "lacks write permission for this vault");
    assertThat(Dotenv.parse(repo.read(".env")).get("GITHUB_TOKEN"))
        .isEqualTo("op://Dev/app-env/GITHUB_TOKEN");
    assertThat(repo.read("services/api/.env")).isEqualTo(secondBefore);
    assertThat(Policy.load(repo.root.resolve("keyhole-policy.yaml")).grants())
        .extracting(g -> g.name()).containsExactly("github_token", "db_password");
    LeakAssertions.assertNoLeak("output", run.all(), github, dbPassword, connectToken);
  }

  @Test
  void badToken_missingVault_andMissingConfig_failCleanly() {
    String before = repo.read(".env");
    repo.env.put("OP_CONNECT_TOKEN", "wrong-token-" + LeakAssertions.randomSecret(20));
    wm.stubFor(get(urlPathEqualTo("/v1/vaults"))
        .withHeader("Authorization", equalTo("Bearer " + repo.env.get("OP_CONNECT_TOKEN")))
        .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
            .withBody("{\"status\":401,\"message\":\"Invalid token signature\"}")));
    TestRepo.Run bad = repo.run("migrate", ".env", "--to", "op", "--vault", "Dev", "--apply");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.all()).contains("HTTP 401: Invalid token signature", "Check OP_CONNECT_TOKEN")
        .doesNotContain(repo.env.get("OP_CONNECT_TOKEN"));
    assertThat(repo.read(".env")).isEqualTo(before);

    repo.env.put("OP_CONNECT_TOKEN", connectToken);
    wm.stubFor(get(urlPathEqualTo("/v1/vaults"))
        .withQueryParam("filter", equalTo("name eq \"Prod\""))
        .willReturn(okJson("[]")));
    TestRepo.Run noVault = repo.run("migrate", ".env", "--to", "op", "--vault", "Prod",
        "--apply");
    assertThat(noVault.exit()).isEqualTo(2);
    assertThat(noVault.all()).contains("No vault named 'Prod' is visible to this Connect token");

    repo.env.remove("OP_CONNECT_HOST");
    TestRepo.Run unset = repo.run("migrate", ".env", "--to", "op", "--vault", "Dev", "--apply");
    assertThat(unset.exit()).isEqualTo(2);
    // Without a Connect host, --to op goes through the op CLI, which this machine lacks.
    assertThat(unset.err()).contains("The 1Password CLI 'op' was not found on PATH");
    assertThat(repo.read(".env")).isEqualTo(before);

    TestRepo.Run noVaultOption = repo.run("migrate", ".env", "--to", "op");
    assertThat(noVaultOption.exit()).isEqualTo(2);
    assertThat(noVaultOption.err()).contains("--vault NAME");
  }

  private String createdItem() {
    return "{\"id\":\"" + itemId + "\",\"title\":\"app-env\",\"vault\":{\"id\":\"" + vaultId
        + "\"},\"category\":\"API_CREDENTIAL\",\"version\":1,\"createdAt\":"
        + "\"2026-03-01T10:15:31Z\",\"updatedAt\":\"2026-03-01T10:15:31Z\"}";
  }

  private static Map<String, String> fieldValues(JsonNode item) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    item.path("fields").forEach(f -> out.put(f.path("label").asText(), f.path("value").asText()));
    return out;
  }

  private static String uuid26() {
    return LeakAssertions.randomSecret(26).toLowerCase(Locale.ROOT);
  }

  /**
   * A minimal Keyhole provider for {@code op://vault/item/field} over Connect, for this test only
   * (keyhole-1password holds the real one): the real OkHttp client against WireMock.
   */
  static final class ConnectProvider implements SecretProvider {
    private final HttpUrl host;
    private final String token;
    private final OkHttpClient http = new OkHttpClient();

    ConnectProvider(String host, String token) {
      this.host = HttpUrl.get(host);
      this.token = token;
    }

    @Override
    public String id() {
      return "test-1password-connect";
    }

    @Override
    public Set<String> schemes() {
      return Set.of("op");
    }

    @Override
    public ResolvedSecret resolve(SecretRef ref) {
      String[] parts = ref.path().substring(2).split("/", -1);
      JsonNode vaults = get(host.newBuilder().addPathSegments("v1/vaults")
          .addQueryParameter("filter", "name eq \"" + parts[0] + "\"").build());
      String vid = vaults.get(0).path("id").asText();
      JsonNode items = get(host.newBuilder().addPathSegments("v1/vaults/" + vid + "/items")
          .addQueryParameter("filter", "title eq \"" + parts[1] + "\"").build());
      String iid = items.get(0).path("id").asText();
      JsonNode item = get(host.newBuilder().addPathSegments("v1/vaults/" + vid + "/items/" + iid)
          .build());
      for (JsonNode f : item.path("fields")) {
        if (f.path("label").asText().equals(parts[2])) {
          return ResolvedSecret.of(SecretValue.ofString(f.path("value").asText()));
        }
      }
      throw new SecretNotFoundException("No field " + parts[2] + " in " + ref);
    }

    private JsonNode get(HttpUrl url) {
      Request req = new Request.Builder().url(url).header("Authorization", "Bearer " + token)
          .build();
      try (Response r = http.newCall(req).execute()) {
        return JSON.readTree(r.body().string());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }
}
