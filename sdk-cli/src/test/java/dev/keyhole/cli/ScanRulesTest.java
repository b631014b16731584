package dev.keyhole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyhole scan --rules FILE} (gitleaks rule files) and binary PKCS#12 key stores. */
class ScanRulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULES = """
      [[rules]]
      id = "acme-token"
      description = "Acme token"
      regex = '''\\b(acme_[a-z0-9]{32})\\b'''
      keywords = ["acme_"]

      [[rules]]
      id = "ungreedy"
      regex = '''(?U)x+y'''
      """;

  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path tmp;

  private static String hex(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append("0123456789abcdef".charAt(RANDOM.nextInt(16)));
    }
    return sb.toString();
  }

  @Test
  void rulesFile_addsItsRules_andListsTheOnesThatCannotRun() throws Exception {
    String token = "acme_" + hex(32);
    TestRepo repo = TestRepo.git(tmp).write("app/config.txt", "endpoint: x\nkey " + token + "\n")
        .write("gitleaks.toml", RULES).commit();
    TestRepo.Run run = repo.run("scan", ".", "--rules", "gitleaks.toml", "-f", "json");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("gitleaks.toml: rule 'ungreedy'").contains("not run");
    JsonNode findings = JSON.readTree(run.out()).path("findings");
    assertThat(findings.findValuesAsText("ruleId")).contains("acme-token");
    assertThat(run.all()).doesNotContain(token);

    TestRepo.Run without = repo.run("scan", ".", "-f", "json");
    assertThat(JSON.readTree(without.out()).path("findings").findValuesAsText("ruleId"))
        .doesNotContain("acme-token");
    TestRepo.Run only = repo.run("scan", "app", "--rules", "gitleaks.toml", "--no-builtin-detectors");
    assertThat(only.exit()).isEqualTo(1);
  }

  @Test
  void unusableRulesFile_exits2() throws Exception {
    TestRepo repo = TestRepo.git(tmp).write("a.txt", "x\n")
        .write("bad.toml", "[[rules]\nid=").write("none.toml", "[[rules]]\nid = \"p\"\npath = 'x'\n")
        .commit();
    assertThat(repo.run("scan", ".", "--rules", "bad.toml").exit()).isEqualTo(2);
    TestRepo.Run none = repo.run("scan", ".", "--rules", "none.toml");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("file paths only");
    assertThat(repo.run("scan", ".", "--no-builtin-detectors").exit()).isEqualTo(2);
  }

  @Test
  void pkcs12KeyStores_areReported_notSkippedAsBinary() throws Exception {
    byte[] der = new byte[900];
    RANDOM.nextBytes(der);
    der[0] = 0x30;
    der[5] = 0;
    TestRepo repo = TestRepo.git(tmp).write("README.md", "docs\n").commit();
    Files.write(tmp.resolve("app/client.p12"), der);
    Files.write(tmp.resolve("app/image.bin"), der);
    TestRepo.Run run = repo.run("scan", ".", "-f", "json");
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.path("findings").findValuesAsText("ruleId")).containsExactly("pkcs12-file");
    assertThat(json.path("findings").findValuesAsText("file")).containsExactly("client.p12");
    assertThat(run.exit()).isEqualTo(1);
  }

  @Test
  void hexSecretUnderASecretName_inSourceCode_isReported() {
    String hex = hex(40);
    TestRepo repo = TestRepo.git(tmp)
        .write("src/Client.java", "class C {\n  static final String API_TOKEN = \"" + hex + "\";\n}\n")
        .write("notes.txt", "commit " + hex(40) + "\n").commit();
    TestRepo.Run run = repo.run("scan", ".", "-f", "json");
    assertThat(run.out()).contains("src/Client.java").doesNotContain("notes.txt").doesNotContain(hex);
  }
}
