package dev.keyhole.onepassword;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretValue;
import dev.keyhole.testkit.LeakAssertions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write side: {@link OnePasswordConnectProvider#writer()} against WireMock speaking Connect's
 * REST API through OkHttp, and {@link OnePasswordCliProvider#writer()} driving a fake {@code op}.
 */
class OnePasswordWriterTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final String github = Fakes.secret();
  final String db = Fakes.secret();
  final String kept = Fakes.secret();

  Map<String, SecretValue> fields() {
    Map<String, SecretValue> m = new LinkedHashMap<>();
    m.put("GITHUB_TOKEN", SecretValue.ofString(github));
    m.put("DB_PASSWORD", SecretValue.ofString(db));
    return m;
  }

  static JsonNode field(JsonNode item, String label) {
    for (JsonNode f : item.path("fields")) {
      if (label.equals(f.path("label").asText())) {
        return f;
      }
    }
    throw new AssertionError("no field " + label + " in " + item.path("title"));
  }

  @Nested
  class Connect {
    WireMockServer wm;
    OnePasswordConnectProvider provider;
    final String token = Fakes.token();

    @BeforeEach
    void start() {
      wm = new WireMockServer(options().dynamicPort().notifier(ConnectProviderTest.QUIET));
      wm.start();
      provider = OnePasswordConnectProvider.builder().host(wm.baseUrl())
          .token(SecretValue.ofString(token)).build();
      wm.stubFor(get(urlPathEqualTo("/v1/vaults")).withQueryParam("filter", equalTo("name eq \"Dev\""))
          .willReturn(ConnectWorld.json(List.of(Map.of("id", "vdev", "name", "Dev")))));
    }

    @AfterEach
    void stop() {
      provider.close();
      wm.stop();
    }

    void items(Object list) {
      wm.stubFor(get(urlPathEqualTo("/v1/vaults/vdev/items"))
          .withQueryParam("filter", equalTo("title eq \"app-env\"")).willReturn(ConnectWorld.json(list)));
    }

    JsonNode body(com.github.tomakehurst.wiremock.verification.LoggedRequest r) throws IOException {
      return JSON.readTree(r.getBodyAsString());
    }

    @Test
    void newItem_isOnePost_ofConcealedFields_taggedKeyhole_withTheBearerToken() throws IOException {
      items(List.of());
      wm.stubFor(post(urlPathEqualTo("/v1/vaults/vdev/items")).willReturn(ConnectWorld.json(Map.of("id", "new"))));
      provider.writer().putConcealedFields("Dev", "app-env", fields());
      var posts = wm.findAll(postRequestedFor(urlPathEqualTo("/v1/vaults/vdev/items")));
      assertThat(posts).hasSize(1);
      assertThat(posts.get(0).getHeader("Authorization")).isEqualTo("Bearer " + token);
      JsonNode item = body(posts.get(0));
      assertThat(item.path("title").asText()).isEqualTo("app-env");
      assertThat(item.path("category").asText()).isEqualTo("API_CREDENTIAL");
      assertThat(item.path("vault").path("id").asText()).isEqualTo("vdev");
      assertThat(item.path("tags").toString()).isEqualTo("[\"keyhole\"]");
      assertThat(field(item, "GITHUB_TOKEN").path("type").asText()).isEqualTo("CONCEALED");
      assertThat(field(item, "GITHUB_TOKEN").path("value").asText()).isEqualTo(github);
      assertThat(field(item, "DB_PASSWORD").path("value").asText()).isEqualTo(db);
      wm.verify(0, putRequestedFor(urlPathEqualTo("/v1/vaults/vdev/items/iapp")));
    }

    @Test
    void existingItem_isReadMergedAndReplacedWithOnePut_keepingOtherFields() throws IOException {
      items(List.of(Map.of("id", "iapp", "title", "app-env")));
      ObjectNode existing = JSON.createObjectNode().put("id", "iapp").put("title", "app-env")
          .put("category", "API_CREDENTIAL");
      existing.putObject("vault").put("id", "vdev");
      existing.putArray("fields").add(JSON.createObjectNode().put("id", "f1").put("label", "KEPT")
          .put("type", "CONCEALED").put("value", kept))
          .add(JSON.createObjectNode().put("id", "f2").put("label", "GITHUB_TOKEN")
              .put("type", "STRING").put("value", "old"));
      wm.stubFor(get(urlPathEqualTo("/v1/vaults/vdev/items/iapp")).willReturn(ConnectWorld.json(existing)));
      wm.stubFor(put(urlPathEqualTo("/v1/vaults/vdev/items/iapp")).willReturn(ConnectWorld.json(existing)));
      provider.writer().putConcealedFields("Dev", "app-env", fields());
      JsonNode item = body(wm.findAll(putRequestedFor(urlPathEqualTo("/v1/vaults/vdev/items/iapp"))).get(0));
      assertThat(field(item, "KEPT").path("value").asText()).isEqualTo(kept);
      assertThat(field(item, "GITHUB_TOKEN").path("id").asText()).isEqualTo("f2");
      assertThat(field(item, "GITHUB_TOKEN").path("type").asText()).isEqualTo("CONCEALED");
      assertThat(field(item, "GITHUB_TOKEN").path("value").asText()).isEqualTo(github);
      assertThat(field(item, "DB_PASSWORD").path("value").asText()).isEqualTo(db);
      wm.verify(0, postRequestedFor(urlPathEqualTo("/v1/vaults/vdev/items")));
    }

    @Test
    void twoItemsWithTheTitle_areAmbiguous_andNothingIsWritten() {
      items(List.of(Map.of("id", "a1", "title", "app-env"), Map.of("id", "a2", "title", "app-env")));
      assertThatThrownBy(() -> provider.writer().putConcealedFields("Dev", "app-env", fields()))
          .isInstanceOf(AmbiguousReferenceException.class).hasMessageContaining("a1, a2");
      wm.verify(0, postRequestedFor(urlPathEqualTo("/v1/vaults/vdev/items")));
    }

    @Test
    void errors_areTyped_carryRetryAfter_andNeverAValue() {
      items(List.of());
      wm.stubFor(post(urlPathEqualTo("/v1/vaults/vdev/items"))
          .willReturn(ConnectWorld.error(403, "Authorization: Token doesn't have write access")));
      assertThatThrownBy(() -> provider.writer().putConcealedFields("Dev", "app-env", fields()))
          .isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("HTTP 403")
          .hasMessageContaining("write permission")
          .satisfies(e -> LeakAssertions.assertNoLeak("message", e.getMessage(), github, db, token));
      wm.stubFor(post(urlPathEqualTo("/v1/vaults/vdev/items"))
          .willReturn(ConnectWorld.error(429, "Too many requests").withHeader("Retry-After", "30")));
      assertThatThrownBy(() -> provider.writer().putConcealedFields("Dev", "app-env", fields()))
          .isInstanceOfSatisfying(ProviderUnavailableException.class,
              e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(30)));
      wm.stubFor(get(urlPathEqualTo("/v1/vaults")).withQueryParam("filter", equalTo("name eq \"Ops\""))
          .willReturn(ConnectWorld.json(List.of())));
      assertThatThrownBy(() -> provider.writer().putConcealedFields("Ops", "app-env", fields()))
          .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("No vault named 'Ops'");
    }
  }

  @Nested
  class Cli {
    @TempDir Path dir;
    FakeOpStore op;
    OnePasswordCliProvider provider;
    final String serviceToken = Fakes.token();

    @BeforeEach
    void start() throws IOException {
      op = new FakeOpStore(dir).vault("Dev", "vdev");
      provider = OnePasswordCliProvider.builder().executable(op.executable.toString())
          .environment(Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString()))
          .serviceAccountToken(SecretValue.ofString(serviceToken))
          .timeout(Duration.ofSeconds(30)).build();
    }

    @AfterEach
    void stop() {
      provider.close();
    }

    @Test
    void newItem_isCreatedFromJsonOnStdin_valuesNeverInArguments() throws IOException {
      provider.writer().putConcealedFields("Dev", "app-env", fields());
      List<JsonNode> items = op.items("vdev");
      assertThat(items).hasSize(1);
      JsonNode item = items.get(0);
      assertThat(item.path("title").asText()).isEqualTo("app-env");
      assertThat(item.path("category").asText()).isEqualTo("API_CREDENTIAL");
      assertThat(field(item, "GITHUB_TOKEN").path("type").asText()).isEqualTo("CONCEALED");
      assertThat(field(item, "GITHUB_TOKEN").path("value").asText()).isEqualTo(github);
      assertThat(op.calls()).anySatisfy(c -> assertThat(c).startsWith("item create -"));
      LeakAssertions.assertNoLeak("op arguments", String.join("\n", op.calls()), github, db,
          serviceToken);
    }

    @Test
    void existingItem_isEditedWithTheMergedItem_keepingOtherFields() throws IOException {
      ObjectNode existing = JSON.createObjectNode().put("id", "iapp").put("title", "app-env");
      existing.putObject("vault").put("id", "vdev");
      existing.putArray("fields").add(JSON.createObjectNode().put("id", "f1").put("label", "KEPT")
          .put("type", "CONCEALED").put("value", kept));
      op.item("vdev", existing);
      provider.writer().putConcealedFields("Dev", "app-env", fields());
      JsonNode item = op.items("vdev").get(0);
      assertThat(field(item, "KEPT").path("value").asText()).isEqualTo(kept);
      assertThat(field(item, "DB_PASSWORD").path("value").asText()).isEqualTo(db);
      assertThat(op.calls()).anySatisfy(c -> assertThat(c).startsWith("item edit iapp --vault vdev"));
      LeakAssertions.assertNoLeak("op arguments", String.join("\n", op.calls()), github, db, kept);
    }

    @Test
    void unknownVault_isNotFound() {
      assertThatThrownBy(() -> provider.writer().putConcealedFields("Ops", "app-env", fields()))
          .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("isn't a vault");
    }
  }
}
