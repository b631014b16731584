package dev.keyhole.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.ConfigurationException;
import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.Policy;
import dev.keyhole.PolicyFileException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.ProtectedFile;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.providers.InMemoryProvider;
import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code protect:}: values Keyhole never resolved (a {@code .env} file, a PEM key, listed YAML keys)
 * are registered with the redactor for the life of each task, so an allowed program that prints
 * them comes back redacted; they are granted to no one.
 */
class ProtectedFilesTest {
  @TempDir Path root;

  private final MemoryAuditSink audit = MemoryAuditSink.create();
  private final MutableClock clock = new MutableClock();
  private final String apiKey = Fixture.randomValue(40);
  private final String dbPassword = Fixture.randomValue(20);
  private final String yamlToken = Fixture.randomValue(30);
  private final String pemBody = pemBody();
  private Keyhole keyhole;

  private static final String POLICY = """
      version: 1
      protect:
        - .env
        - "keys/*.pem"
        - path: config/*.yaml
          keys: [database.password, services.*.token]
      handles:
        api_key:
          ref: memory:api_key
          tools: [lookup]
      """;

  @BeforeEach
  void setUp() throws IOException {
    Files.writeString(root.resolve(".env"), "# local settings\nNODE_ENV=production\n"
        + "export API_KEY=" + apiKey + "\nDB_PASSWORD='" + dbPassword + "'\nPORT=8080\n");
    Files.createDirectories(root.resolve("keys"));
    Files.writeString(root.resolve("keys/deploy.pem"), "-----BEGIN " + "PRIVATE KEY-----\n"
        + pemBody + "\n-----END " + "PRIVATE KEY-----\n");
    Files.createDirectories(root.resolve("config"));
    Files.writeString(root.resolve("config/app.yaml"), "database:\n  host: db.internal\n"
        + "  password: " + dbPassword + "\nservices:\n  billing:\n    token: " + yamlToken
        + "\n    url: https://billing.internal\n");
  }

  @AfterEach
  void tearDown() {
    if (keyhole != null) {
      keyhole.close();
    }
    for (AuditEvent e : audit.events()) {
      assertThat(e.toString()).doesNotContain(apiKey).doesNotContain(dbPassword)
          .doesNotContain(yamlToken);
    }
  }

  private static String pemBody() {
    byte[] der = new byte[300];
    new java.security.SecureRandom().nextBytes(der);
    return Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
  }

  private Keyhole keyhole(boolean workspace) {
    InMemoryProvider provider = InMemoryProvider.create();
    provider.put("api_key", apiKey);
    Keyhole.Builder b = Keyhole.builder().provider(provider).auditSink(audit).clock(clock)
        .expirySweep(false).policy(Policy.parse(POLICY, "keyhole-policy.yaml"));
    if (workspace) {
      b.workspace(root);
    }
    keyhole = b.build();
    return keyhole;
  }

  private String cat(TaskScope task, String... files) {
    String argv = String.join("\", \"", files);
    return ProcessTool.builder(root).commands("cat").build()
        .call(task, "{\"argv\": [\"cat\", \"" + argv + "\"]}");
  }

  @Test
  void catDotenv_throughAnAllowedProgram_comesBackRedacted() {
    try (TaskScope task = keyhole(true).openTask(TaskOptions.builder().build())) {
      String out = cat(task, ".env");
      assertThat(out).doesNotContain(apiKey).doesNotContain(dbPassword)
          .contains("export API_KEY=secret://protected")
          .contains("DB_PASSWORD='secret://protected'")
          // settings that are not secrets stay readable
          .contains("NODE_ENV=production").contains("PORT=8080");
    }
  }

  @Test
  void pemKey_andListedYamlKeys_evenReWrapped() {
    try (TaskScope task = keyhole(true).openTask(TaskOptions.builder().build())) {
      String out = cat(task, "keys/deploy.pem", "config/app.yaml");
      assertThat(out).doesNotContain(pemBody.substring(0, 64)).doesNotContain(yamlToken)
          .doesNotContain(dbPassword).contains("host: db.internal")
          .contains("url: https://billing.internal");
      // the key body printed at another width (base64 -w 76 of the DER) is still caught
      byte[] der = Base64.getMimeDecoder().decode(pemBody);
      String rewrapped = Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(der);
      String redacted = task.redactor().redact(rewrapped);
      assertThat(redacted.replace("\n", "")).doesNotContain(pemBody.replace("\n", "").substring(8, 40));
    }
  }

  @Test
  void protectedValues_areGrantedToNoOne() {
    try (TaskScope task = keyhole(true).openTask(TaskOptions.builder().build())) {
      assertThat(task.handles()).isEmpty();
      assertThatThrownBy(() -> task.handle("protected"))
          .isInstanceOf(PolicyViolationException.class);
      assertThatThrownBy(() -> task.resolve(dev.keyhole.SecretHandle.of("protected"),
          dev.keyhole.Use.byTool("lookup"))).isInstanceOf(PolicyViolationException.class);
    }
  }

  @Test
  void aGrantedHandle_namesASharedValueBetterThanProtected() {
    try (TaskScope task = keyhole(true).openTask(TaskOptions.builder().grants("api_key").build())) {
      dev.keyhole.ToolGuard.builder(task).handleParameters("lookup", "k").build()
          .call("lookup", "{\"k\": \"secret://api_key\"}", inv -> "ok");
      assertThat(cat(task, ".env")).contains("export API_KEY=secret://api_key")
          .contains("DB_PASSWORD='secret://protected'");
    }
  }

  @Test
  @SuppressWarnings("try") // the open task is what the test is about, not a value in it
  void registeredWhileTheTaskIsOpen_unregisteredAfterItCloses() {
    Keyhole k = keyhole(true);
    try (TaskScope task = k.openTask(TaskOptions.builder().build())) {
      assertThat(k.redactor().redact(apiKey)).isEqualTo("secret://protected");
    }
    clock.advance(RedactionOptions.DEFAULT_GRACE_PERIOD.plusSeconds(1));
    assertThat(k.redactor().redact(apiKey)).isEqualTo(apiKey);
  }

  @Test
  @SuppressWarnings("try") // the open task is what the test is about, not a value in it
  void theTaskRoot_overridesTheWorkspace() throws IOException {
    Path other = Files.createDirectories(root.resolve("other"));
    String otherKey = Fixture.randomValue(36);
    Files.writeString(other.resolve(".env"), "OTHER_TOKEN=" + otherKey + "\n");
    Keyhole k = keyhole(false);
    try (TaskScope task = k.openTask(TaskOptions.builder().root(other).build())) {
      assertThat(k.redactor().redact("x " + otherKey)).isEqualTo("x secret://protected");
      assertThat(k.redactor().redact(apiKey)).isEqualTo(apiKey);
    }
  }

  @Test
  void withoutARoot_theTaskDoesNotOpen() {
    Keyhole k = keyhole(false);
    assertThatThrownBy(() -> k.openTask(TaskOptions.builder().taskId("no-root").build()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("protect").hasMessageContaining("workspace")
        .hasMessageContaining("TaskOptions.builder().root");
    assertThat(k.openTasks()).isEmpty();
  }

  @Test
  void unreadableProtectedFile_failsClosed_withoutQuotingIt() throws IOException {
    Files.writeString(root.resolve("config/broken.yaml"), "database: [unclosed\n  password: x");
    Keyhole k = keyhole(true);
    assertThatThrownBy(() -> k.openTask(TaskOptions.builder().build()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("config/broken.yaml")
        .hasMessageNotContaining("unclosed");
  }

  @Test
  void policy_protectEntries_areValidated() {
    assertThat(Policy.parse("version: 1\nprotect: [.env, {path: a.json, keys: [x.y]}]\n", "p")
        .protectedFiles()).containsExactly(ProtectedFile.of(".env"),
            ProtectedFile.of("a.json", List.of("x.y")));
    assertThatThrownBy(() -> Policy.parse("version: 1\nprotect: [config.yaml]\n", "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("p.yaml: protect[0]")
        .hasMessageContaining("list the keys");
    assertThatThrownBy(() -> Policy.parse("version: 1\nprotect: [../.env]\n", "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("relative to the tool root");
    assertThatThrownBy(() -> Policy.parse("version: 1\nprotect: [notes.txt]\n", "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("cannot tell how to read");
    assertThatThrownBy(() -> Policy.parse("version: 1\nprotect: .env\n", "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("expected a list");
    assertThat(Policy.builder().protect(ProtectedFile.of(".env")).build().toBuilder().build()
        .protectedFiles()).hasSize(1);
    assertThat(Grant.builder("x").ref("memory:x").tools("t").build()).isNotNull();
  }

}
