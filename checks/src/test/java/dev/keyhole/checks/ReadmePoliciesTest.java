package dev.keyhole.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.Grant;
import dev.keyhole.Policy;
import dev.keyhole.PolicyFileException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's policies are valid and agree with the Java snippets next to them: every handle a
 * snippet grants is in its section's policy, and every tool the snippet defines or configures is
 * allowed by some handle of that policy. (Compiling the snippets is the generated sources' job.)
 */
class ReadmePoliciesTest {
  private static final Pattern GRANTS = Pattern.compile("\\.grants\\(([^)]*)\\)");
  private static final Pattern STRING = Pattern.compile("\"([^\"\\\\]*)\"");
  private static final Pattern TOOL_METHOD =
      Pattern.compile("@Tool\\b[^\\n]*\\n\\s*(?:public\\s+)?[\\w<>\\[\\], ]+\\s+(\\w+)\\s*\\(");
  /** Tool names in declarations and calls: {@code ToolDeclaration.builder("x")}, {@code .call(task, "x", ...)}. */
  private static final Pattern TOOL_NAMED = Pattern.compile(
      "(?:\\.(?:destination|handleParameters|handleParameter)\\(|ToolDeclaration\\.builder\\("
          + "|\\.call\\((?:\\s*\\w+\\s*,)?)\\s*\"([^\"]+)\"");
  private static final Pattern TEXT_BLOCK_POLICY =
      Pattern.compile("Policy\\.parse\\(\"\"\"\\n(.*?)\"\"\"", Pattern.DOTALL);

  private static ReadmeDocument readme;

  @BeforeAll
  static void load() throws IOException {
    readme = ReadmeDocument.load();
  }

  /** A YAML block that is a policy or a fragment of one ({@code handles:} entries). */
  private static boolean isPolicy(ReadmeDocument.Block b) {
    return b.language().equals("yaml")
        && (b.text().startsWith("version:") || b.text().matches("(?s)^ {2}[a-z0-9_-]+:.*"));
  }

  private static Policy parse(ReadmeDocument.Block b) {
    String text = b.text().startsWith("version:") ? b.text() : "version: 1\nhandles:\n" + b.text();
    return Policy.parse(text, b.where());
  }

  @Test
  void everyPolicyBlock_parses() {
    List<String> problems = new ArrayList<>();
    int policies = 0;
    for (ReadmeDocument.Block b : readme.blocks("yaml")) {
      if (isPolicy(b)) {
        policies++;
        try {
          parse(b);
        } catch (PolicyFileException e) {
          problems.add(b.where() + ": " + e.getMessage());
        }
      }
    }
    assertThat(policies).as("policy blocks found in README.md").isGreaterThanOrEqualTo(2);
    assertThat(problems).as("README policies that Policy.parse rejects").isEmpty();
  }

  @Test
  void javaSnippets_grantAndUseOnlyWhatTheirSectionsPolicyHas() {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (ReadmeDocument.Block java : readme.blocks("java")) {
      List<Policy> policies = new ArrayList<>();
      for (ReadmeDocument.Block b : readme.inSection(java.section())) {
        if (isPolicy(b)) {
          policies.add(parse(b));
        }
      }
      Matcher inline = TEXT_BLOCK_POLICY.matcher(java.text());
      while (inline.find()) {
        policies.add(Policy.parse(inline.group(1).stripIndent(), java.where()));
      }
      Set<String> granted = find(GRANTS, java.text(), true);
      Set<String> tools = find(TOOL_METHOD, java.text(), false);
      tools.addAll(find(TOOL_NAMED, java.text(), false));
      if (granted.isEmpty() && tools.isEmpty()) {
        continue;
      }
      checked++;
      if (policies.isEmpty()) {
        problems.add(java.where() + " grants " + granted + " and uses tools " + tools
            + ", but its section shows no policy (a ```yaml block with 'version: 1')");
        continue;
      }
      Set<String> handles = new LinkedHashSet<>();
      Set<String> allowedTools = new LinkedHashSet<>();
      for (Policy p : policies) {
        for (Grant g : p.grants()) {
          handles.add(g.name());
          allowedTools.addAll(g.tools());
        }
      }
      for (String g : granted) {
        if (!handles.contains(g)) {
          problems.add(java.where() + " grants '" + g + "', which its section's policy lacks"
              + " (handles " + handles + ")");
        }
      }
      for (String t : tools) {
        if (!allowedTools.contains(t) && !allowedTools.contains("*")) {
          problems.add(java.where() + " uses tool '" + t + "', which no handle of its section's"
              + " policy allows (tools " + allowedTools + ")");
        }
      }
    }
    assertThat(checked).as("snippets that grant handles or name tools").isGreaterThanOrEqualTo(2);
    assertThat(problems).as("README snippets that disagree with their policy").isEmpty();
  }

  private static Set<String> find(Pattern p, String text, boolean strings) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      if (strings) {
        Matcher s = STRING.matcher(m.group(1));
        while (s.find()) {
          out.add(s.group(1));
        }
      } else {
        out.add(m.group(1));
      }
    }
    return out;
  }
}
