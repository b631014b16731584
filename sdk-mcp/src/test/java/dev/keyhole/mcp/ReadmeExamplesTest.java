package dev.keyhole.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's MCP section stays true: its policies load and its client configuration parses. */
class ReadmeExamplesTest {
  private static String section() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("## Keyhole for coding agents (MCP)");
    assertThat(start).isNotNegative();
    int end = readme.indexOf("\n## ", start + 10);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  private static List<String> blocks(String text, String lang) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("```" + lang + "\\n(.*?)```", Pattern.DOTALL).matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void policiesLoad_andTheClientConfigurationIsValidJson() throws Exception {
    String s = section();
    List<String> yaml = blocks(s, "yaml");
    assertThat(yaml).hasSize(2);
    for (String y : yaml) {
      Policy p = Policy.parse(y.startsWith("version:") ? y : "version: 1\n" + y, "README");
      assertThat(p.grants()).isNotEmpty();
    }
    assertThat(Policy.parse(yaml.get(1), "README").grant("github_token").orElseThrow().commands())
        .containsExactly("npx");
    JsonNode config = new ObjectMapper().readTree(blocks(s, "json").get(0));
    assertThat(config.path("mcpServers").path("keyhole").path("args").get(0).asText())
        .isEqualTo("mcp");
    assertThat(s).contains("keyhole mcp serve", ".kiro/settings/mcp.json", ".cursor/mcp.json",
        "claude mcp add", "--upstream github");
  }
}
