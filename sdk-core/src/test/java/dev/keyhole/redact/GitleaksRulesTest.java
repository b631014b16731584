package dev.keyhole.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitleaksRulesTest {
  private static final String RULES = """
      title = "test rules"
      [allowlist]
      stopwords = ["notasecret"]

      [[rules]]
      id = "acme-token"
      description = "Acme token"
      regex = '''\\b(acme_[a-z0-9]{32})\\b'''
      keywords = ["ACME_"]
      entropy = 3.0

      [[rules]]
      id = "acme-named"
      regex = '''(?i)acme[\\w.-]{0,20}(?:=|:)\\s*["']?(?P<secret>[[:alnum:]]{20})["']?'''
      secretGroup = 1
      keywords = ["acme"]
      [[rules.allowlists]]
      regexTarget = "line"
      regexes = ['''#\\s*test fixture''']
      [[rules.allowlists]]
      condition = "AND"
      paths = ['''docs/''']
      regexes = ['''.*''']

      [[rules]]
      id = "literal-brace"
      regex = '''tok{[a-z]{12}}'''
      keywords = ["tok{"]
      """;

  @Test
  void rules_behaveAsInGitleaks() {
    GitleaksRules rules = GitleaksRules.parse(RULES, "test.toml");
    assertThat(rules.problems()).isEmpty();
    assertThat(rules.ruleCount()).isEqualTo(3);
    SecretDetector d = rules.detectors().get(0);
    String token = "acme_" + Fakes.hex(32);
    String text = "x = " + token + "\n";
    assertThat(d.detect(text)).singleElement().satisfies(hit -> {
      assertThat(hit.detectorId()).isEqualTo("acme-token");
      assertThat(hit.kind()).isEqualTo("Acme token");
      assertThat(text.substring(hit.start(), hit.end())).isEqualTo(token);
    });
    assertThat(d.detect("x = acme_" + "0".repeat(32))).as("entropy too low").isEmpty();
    String named = Fakes.mixed(20);
    String line = "ACME_KEY=" + named;
    assertThat(d.detect(line)).singleElement().satisfies(hit ->
        assertThat(line.substring(hit.start(), hit.end())).isEqualTo(named));
    assertThat(d.detect(line + "  # test fixture")).as("line allowlist").isEmpty();
    assertThat(d.detect("acme: notasecret" + Fakes.mixed(10))).as("global stop word").isEmpty();
    assertThat(d.detect("tok{" + "abcdefghijkl" + "}")).as("RE2 literal brace").hasSize(1);
    assertThat(d.detect("nothing to see")).isEmpty();
  }

  @Test
  void unsupportedRules_areListedOneByOne_notSkippedSilently(@TempDir Path dir) throws Exception {
    String toml = RULES + """

        [[rules]]
        id = "ungreedy"
        regex = '''(?U)a+b'''

        [[rules]]
        id = "octal"
        regex = '''\\101BC'''

        [[rules]]
        id = "pkcs12-file"
        path = '''(?i)\\.p(?:12|fx)$'''

        [[rules]]
        id = "yaml-only"
        regex = '''kind: Secret'''
        path = '''\\.ya?ml$'''

        [[rules]]
        id = "composite"
        regex = '''x'''
        [[rules.required]]
        id = "acme-token"
        """;
    GitleaksRules rules = GitleaksRules.parse(toml, "mixed.toml");
    assertThat(rules.ruleCount()).isEqualTo(3);
    assertThat(rules.problems()).hasSize(5).anySatisfy(p -> assertThat(p)
            .startsWith("rule 'ungreedy'").contains("ungreedy"))
        .anySatisfy(p -> assertThat(p).startsWith("rule 'octal'").contains("back-reference"))
        .anySatisfy(p -> assertThat(p).startsWith("rule 'pkcs12-file'").contains("file paths only"))
        .anySatisfy(p -> assertThat(p).startsWith("rule 'yaml-only'").contains("file paths"))
        .anySatisfy(p -> assertThat(p).startsWith("rule 'composite'").contains("required"));
    Path file = dir.resolve("mixed.toml");
    Files.writeString(file, toml);
    assertThatThrownBy(() -> Detectors.fromGitleaksConfig(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("5 of 8 rule(s) cannot be loaded").hasMessageContaining("'octal'");
    Path ok = dir.resolve("ok.toml");
    Files.writeString(ok, RULES);
    assertThat(Detectors.fromGitleaksConfig(ok)).hasSize(1);
  }

  @Test
  void badFiles_failWithTheFileName(@TempDir Path dir) {
    assertThatThrownBy(() -> GitleaksRules.parse("[[rules]\nid=", "broken.toml"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("broken.toml");
    assertThatThrownBy(() -> GitleaksRules.load(dir.resolve("missing.toml")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("missing.toml");
    assertThat(GitleaksRules.parse("[extend]\nuseDefault = true\n", "x.toml").problems())
        .singleElement().asString().contains("[extend]");
  }

  @Test
  void re2Translation() throws Exception {
    assertThat(Re2.translate("(?P<k>a)[[:alpha:][:^digit:]][a[]x{")).isEqualTo(
        "(a)[\\p{Alpha}\\P{Digit}][a\\[]x\\{");
    assertThat(Re2.translate("a{2,3}b{4}")).isEqualTo("a{2,3}b{4}");
    assertThat(List.of("(?U)a", "\\C", "\\1")).allSatisfy(re ->
        assertThatThrownBy(() -> Re2.translate(re)).isInstanceOf(Re2.UnsupportedRegexException.class));
  }
}
