package dev.keyhole.cli.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.keyhole.cli.Fakes;
import dev.keyhole.cli.SampleRepo;
import dev.keyhole.cli.TestRepo;
import dev.keyhole.redact.Detectors;
import dev.keyhole.testkit.LeakAssertions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScannerTest {
  @TempDir Path tmp;

  private SampleRepo sample;
  private Fingerprinter fp;
  private ScanResult result;

  @BeforeEach
  void scan() throws Exception {
    sample = new SampleRepo(TestRepo.git(tmp));
    sample.linkOutside();
    sample.addLargeFile(64 * 1024);
    fp = Fingerprinter.withKey(new byte[32]);
    result = Scanner.builder().fingerprinter(fp).maxFileSize(32 * 1024).build()
        .scan(sample.repo.root);
  }

  private String text(String file) throws Exception {
    String t = Files.readString(sample.repo.root.resolve(file), StandardCharsets.UTF_8);
    return Scanner.isDotenv(Path.of(file).getFileName().toString()) ? EnvFiles.normalize(t) : t;
  }

  @Test
  void everyPlantedSecret_isFoundAtItsLocation_withFingerprintAndPreview() throws Exception {
    for (SampleRepo.Planted p : sample.planted) {
      String fingerprint = fp.fingerprint(p.value());
      List<Finding> hits = result.findings().stream()
          .filter(f -> f.file().equals(p.file()) && f.fingerprint().equals(fingerprint)).toList();
      assertThat(hits).as("%s in %s", p.key(), p.file()).hasSize(1);
      Finding f = hits.get(0);
      if (!p.key().isEmpty()) {
        assertThat(f.key()).as(p.file()).isEqualTo(p.key());
      }
      assertThat(f.preview()).isEqualTo(Masking.preview(p.value()));
      String text = text(p.file());
      String at = text.substring(f.start(), f.end());
      assertThat(at).isIn(p.value(), p.value().replace("\"", "\\\""));
      int line = (int) text.substring(0, f.start()).chars().filter(c -> c == '\n').count() + 1;
      int col = f.start() - (text.lastIndexOf('\n', f.start() - 1) + 1) + 1;
      assertThat(f.line()).isEqualTo(line);
      assertThat(f.column()).isEqualTo(col);
    }
  }

  @Test
  void cliRules_findExactlyThePlantedSecrets_whenNoDetectorAddsMore() throws Exception {
    Scanner rulesOnly = Scanner.builder().fingerprinter(fp).detectors(List.of())
        .maxFileSize(32 * 1024).build();
    ScanResult r = rulesOnly.scan(sample.repo.root);
    assertThat(r.findings()).extracting(Finding::fingerprint)
        .containsExactlyInAnyOrderElementsOf(
            sample.planted.stream().map(p -> fp.fingerprint(p.value())).toList());
    assertThat(r.findings()).extracting(Finding::ruleId).contains(Rules.DOTENV_SECRET,
        Rules.DOTENV_HIGH_ENTROPY, Rules.CONFIG_SECRET, Rules.SCRIPT_SECRET,
        Rules.URL_CREDENTIALS);
  }

  @Test
  void lookAlikes_areNeverFlagged() throws Exception {
    for (Map.Entry<String, List<String>> e : sample.lookAlikes.entrySet()) {
      String text = text(e.getKey());
      for (String look : e.getValue()) {
        for (int at = text.indexOf(look); at >= 0; at = text.indexOf(look, at + 1)) {
          int s = at;
          int end = at + look.length();
          assertThat(result.findings())
              .filteredOn(f -> f.file().equals(e.getKey()) && f.start() < end && s < f.end())
              .as("look-alike in %s at %d", e.getKey(), at)
              .isEmpty();
        }
      }
    }
  }

  @Test
  void ignoredBinaryLargeAndSymlinkedFiles_areNotRead() {
    assertThat(result.findings()).extracting(Finding::file).noneMatch(f ->
        f.startsWith("node_modules/") || f.startsWith("build/") || f.equals("logs/app.log")
            || f.equals("services/api/secret-notes.yml") || f.startsWith("linked")
            || f.equals("assets/logo.png") || f.equals("data/big.yml"));
    assertThat(result.skipped()).extracting(ScanResult.Skipped::file, ScanResult.Skipped::reason)
        .contains(
            org.assertj.core.groups.Tuple.tuple("assets/logo.png", "binary"),
            org.assertj.core.groups.Tuple.tuple("data/big.yml", "larger than 32768 bytes"),
            org.assertj.core.groups.Tuple.tuple("linked-secrets.yml", "symbolic link (not followed)"),
            org.assertj.core.groups.Tuple.tuple("linked-dir", "symbolic link (not followed)"));
    for (Finding f : result.findings()) {
      LeakAssertions.assertNoLeak("finding " + f.location(), f.toString(),
          sample.unreadSecrets.toArray(String[]::new));
    }
  }

  @Test
  void envInventory_listsEveryKey_withFlagsAndReferences() {
    ScanResult.EnvFile env = result.envFiles().stream().filter(e -> e.file().equals(".env"))
        .findFirst().orElseThrow();
    assertThat(env.keys()).extracting(ScanResult.EnvKey::key).containsExactly("GITHUB_TOKEN",
        "DB_PASSWORD", "STRIPE_SECRET_KEY", "PORT", "NODE_ENV", "API_KEY", "SESSION_SECRET",
        "PRIVATE_KEY", "DEPLOY_SHA", "REQUEST_ID", "REPORT_URL", "DATABASE_URL", "RANDOM_BLOB",
        "ALREADY_MOVED", "EMPTY");
    assertThat(env.keys()).filteredOn(ScanResult.EnvKey::flagged)
        .extracting(ScanResult.EnvKey::key).containsExactlyInAnyOrder("GITHUB_TOKEN",
            "DB_PASSWORD", "STRIPE_SECRET_KEY", "PRIVATE_KEY", "DATABASE_URL", "RANDOM_BLOB");
    assertThat(env.keys()).filteredOn(ScanResult.EnvKey::reference)
        .extracting(ScanResult.EnvKey::key).containsExactly("ALREADY_MOVED");
    assertThat(result.envFiles()).extracting(ScanResult.EnvFile::file)
        .containsExactlyInAnyOrder(".env", ".env.example");
  }

  @Test
  void findings_carryNoValue() {
    String all = result.toString();
    LeakAssertions.assertNoLeak("scan result", all, sample.allSecrets());
  }

  @Test
  void fingerprints_areKeyed_andStablePerValue() throws Exception {
    Fingerprinter other = Fingerprinter.withKey("another key of 32 bytes, really.".getBytes(
        StandardCharsets.US_ASCII));
    String v = Fakes.token();
    assertThat(fp.fingerprint(v)).isEqualTo(fp.fingerprint(v)).isNotEqualTo(other.fingerprint(v))
        .startsWith("hmac-sha256:").hasSize("hmac-sha256:".length() + 32);
    assertThat(fp.keyCheck()).isNotEqualTo(other.keyCheck());
  }

  @Test
  void gitIgnoreOff_readsIgnoredFilesToo() throws Exception {
    ScanResult all = Scanner.builder().fingerprinter(fp).useGitIgnore(false).build()
        .scan(sample.repo.root);
    assertThat(all.findings()).extracting(Finding::file)
        .contains("services/api/secret-notes.yml", "build/out/config.yml");
  }

  @Test
  void ignoredEnvFiles_canBeExcluded() throws Exception {
    ScanResult noEnv = Scanner.builder().fingerprinter(fp).includeIgnoredEnv(false).build()
        .scan(sample.repo.root);
    assertThat(noEnv.findings()).extracting(Finding::file).doesNotContain(".env");
    assertThat(noEnv.envFiles()).extracting(ScanResult.EnvFile::file)
        .containsExactly(".env.example");
  }

  @Test
  void scanningASubdirectory_honoursTheRepositorysGitignore() throws Exception {
    sample.repo.write("config/debug.log", "db: postgres://u:" + Fakes.token() + "@h/db\n");
    ScanResult sub = Scanner.builder().fingerprinter(fp).build()
        .scan(sample.repo.root.resolve("config"));
    assertThat(sub.findings()).extracting(Finding::file).doesNotContain("debug.log")
        .contains("application.yml");
  }

  @Test
  void invalidEnvAndYaml_fallBackToLineReading_withAWarning() throws Exception {
    String secret = Fakes.password();
    sample.repo.write("helm/values.yaml", "image: {{ .Values.image }}\n  bad: [\npassword: "
        + secret + "\n");
    sample.repo.write("broken.env", "THIS LINE IS NOT DOTENV\nDB_PASSWORD=" + secret + "\n");
    ScanResult r = Scanner.builder().fingerprinter(fp).build().scan(sample.repo.root);
    assertThat(r.warnings()).extracting(ScanResult.Warning::file)
        .contains("helm/values.yaml", "broken.env");
    assertThat(r.findings()).filteredOn(f -> f.fingerprint().equals(fp.fingerprint(secret)))
        .extracting(Finding::file).containsExactlyInAnyOrder("helm/values.yaml", "broken.env");
    LeakAssertions.assertNoLeak("warnings", r.warnings().toString(), secret);
  }

  @Test
  void knownFormats_areFoundByCoreDetectors_evenWithoutAKeyName() throws Exception {
    assumeFalse(Detectors.defaults().isEmpty(),
        "needs Detectors.defaults() from the redaction engine");
    String text = text("src/Fixtures.java");
    for (Map.Entry<String, String> e : sample.detectorSecrets.entrySet()) {
      int at = text.indexOf(e.getValue());
      int end = at + e.getValue().length();
      assertThat(result.findings())
          .as(e.getKey())
          .anySatisfy(f -> {
            assertThat(f.file()).isEqualTo("src/Fixtures.java");
            assertThat(f.start()).isLessThan(end);
            assertThat(f.end()).isGreaterThan(at);
          });
    }
  }
}
