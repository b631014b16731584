package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key written twice in a policy file is an error naming the file and the line: a reviewer reads
 * the first occurrence while the parser would silently keep the last one.
 */
class PolicyDuplicateKeysTest {
  @TempDir Path dir;

  // Attack: a change that looks harmless in review adds a second 'destinations' further down the
  // grant; the reviewer sees the first list, Keyhole would enforce the second.
  @Test
  void duplicateKeyInAGrant_isAnError_withFileLineAndKey() throws Exception {
    Path f = dir.resolve("keyhole-policy.yaml");
    Files.writeString(f, """
        version: 1
        handles:
          github_token:
            ref: env:GITHUB_TOKEN
            tools: [http_request]
            destinations: [api.github.com]
            maxUses: 5
            destinations: ["*"]
        """);
    assertThatThrownBy(() -> Policy.load(f))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("line 8")
        .hasMessageContaining("'destinations'")
        .hasMessageContaining("duplicate");
  }

  @Test
  void duplicateHandle_isAnError_withLine() {
    String yaml = """
        version: 1
        handles:
          github_token:
            ref: env:GITHUB_TOKEN
            tools: [http_request]
          github_token:
            ref: env:OTHER_TOKEN
            tools: ["*"]
        """;
    assertThatThrownBy(() -> Policy.parse(yaml, "p.yaml"))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageContaining("p.yaml")
        .hasMessageContaining("line 6")
        .hasMessageContaining("'github_token'");
  }

  @Test
  void duplicateTopLevelKey_isAnError() {
    assertThatThrownBy(() -> Policy.parse("version: 1\nhandles: {}\nhandles: {}\n", "p.yaml"))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageContaining("p.yaml").hasMessageContaining("line 3")
        .hasMessageContaining("'handles'");
  }

  @Test
  void duplicateKeyInJson_isAnError_withLine() {
    String json = "{\"version\": 1,\n \"handles\": {\"t\": {\"ref\": \"memory:t\",\n"
        + " \"tools\": [\"a\"], \"tools\": [\"*\"]}}}";
    assertThatThrownBy(() -> Policy.parse(json, "p.json"))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageContaining("p.json").hasMessageContaining("line 3")
        .hasMessageContaining("'tools'");
  }

  @Test
  void sameKeyInDifferentMappings_isFine() {
    Policy p = Policy.parse("""
        version: 1
        handles:
          a:
            ref: env:A
            tools: [t]
          b:
            ref: env:B
            tools: [t]
        """, "p.yaml");
    assertThat(p.grants()).hasSize(2);
  }
}
