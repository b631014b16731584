package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTest {
  @TempDir Path dir;

  private static final String YAML = """
      version: 1
      taskTtl: 10m
      handles:
        github_token:
          ref: env:GITHUB_TOKEN
          description: GitHub API token for the agent's repository
          tools: [http_request, git_push]
          destinations: [api.github.com, "*.githubusercontent.com"]
          maxUses: 20
          ttl: PT5M
          approval: true
        aws:
          issuer: aws-sts
          parameters:
            roleArn: arn:aws:iam::123456789012:role/agent
          tools: run_process
          commands: [aws]
      """;

  @Test
  void load_yamlFile() throws Exception {
    Path f = dir.resolve("keyhole-policy.yaml");
    Files.writeString(f, YAML);
    Policy p = Policy.load(f);
    assertThat(p.taskTtl()).isEqualTo(Duration.ofMinutes(10));
    Grant g = p.grant("github_token").orElseThrow();
    assertThat(g.ref()).contains(SecretRef.parse("env:GITHUB_TOKEN"));
    assertThat(g.tools()).containsExactly("http_request", "git_push");
    assertThat(g.allowsDestination("api.github.com")).isTrue();
    assertThat(g.allowsDestination("raw.githubusercontent.com")).isTrue();
    assertThat(g.allowsDestination("githubusercontent.com")).isFalse();
    assertThat(g.allowsDestination("evil.com")).isFalse();
    assertThat(g.maxUses()).hasValue(20);
    assertThat(g.ttl()).contains(Duration.ofMinutes(5));
    assertThat(g.approvalRequired()).isTrue();
    Grant aws = p.grant("aws").orElseThrow();
    assertThat(aws.issuer()).contains("aws-sts");
    assertThat(aws.issuerParameters()).containsEntry("roleArn", "arn:aws:iam::123456789012:role/agent");
    assertThat(aws.commands()).containsExactly("aws");
  }

  @Test
  void parse_json() {
    Policy p = Policy.parse("{\"version\":1,\"handles\":{\"t\":{\"ref\":\"memory:t\",\"tools\":[\"*\"]}}}", "inline.json");
    assertThat(p.grant("t").orElseThrow().allowsTool("anything")).isTrue();
    assertThat(p.taskTtl()).isEqualTo(Policy.DEFAULT_TASK_TTL);
  }

  @Test
  void unknownKeys_areRejected_withFileAndPath() {
    assertThatThrownBy(() -> Policy.parse(YAML.replace("maxUses: 20", "maxUse: 20"), "p.yaml"))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageContaining("p.yaml: handles.github_token.maxUse: unknown key");
    assertThatThrownBy(() -> Policy.parse("version: 1\nhandle: {}\n", "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("p.yaml: handle: unknown key");
  }

  @Test
  void invalidValues_areRejected_withPathAndReason() {
    assertThatThrownBy(() -> Policy.parse(YAML.replace("maxUses: 20", "maxUses: 0"), "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("handles.github_token.maxUses");
    assertThatThrownBy(() -> Policy.parse(YAML.replace("\"*.githubusercontent.com\"", "\"https://x.com/a\""), "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("handles.github_token.destinations[1]");
    assertThatThrownBy(() -> Policy.parse(YAML.replace("ttl: PT5M", "ttl: soon"), "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("handles.github_token.ttl")
        .hasMessageContaining("'15m'");
    assertThatThrownBy(() -> Policy.parse(YAML.replace("ref: env:GITHUB_TOKEN", "ref: GITHUB_TOKEN"), "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("handles.github_token.ref")
        .hasMessageContaining("no scheme");
    assertThatThrownBy(() -> Policy.parse(YAML.replace("approval: true", "approval: yes please"), "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("expected true or false");
    assertThatThrownBy(() -> Policy.parse(YAML.replace("github_token:", "GitHub.Token:"), "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("not a valid handle name");
    assertThatThrownBy(() -> Policy.parse(YAML.replace("    tools: [http_request, git_push]\n", ""), "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("names no tools");
    assertThatThrownBy(() -> Policy.parse("version: 2\n", "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("version");
    assertThatThrownBy(() -> Policy.parse("version: 1\nhandles: [\n", "p.yaml"))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("not valid YAML/JSON");
    assertThatThrownBy(() -> Policy.load(dir.resolve("missing.yaml")))
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("does not exist");
  }

  @Test
  void grantBuilder_needsOneSourceAndTools() {
    assertThatThrownBy(() -> Grant.builder("x").tools("t").build())
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("exactly one source");
    assertThatThrownBy(() -> Grant.builder("x").ref("env:X").build())
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("names no tools");
    assertThatThrownBy(() -> Grant.builder("x").ref("env:X").tools("t").commands("/bin/sh").build())
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("without a path");
  }

  @Test
  void hostPatterns() {
    assertThat(HostPattern.parse("API.GitHub.com").matches("api.github.com.")).isTrue();
    assertThat(HostPattern.parse("*.example.com").matches("a.b.example.com")).isTrue();
    assertThat(HostPattern.parse("*.example.com").matches("example.com")).isFalse();
    assertThat(HostPattern.parse("*.example.com").matches("evilexample.com")).isFalse();
    assertThat(HostPattern.parse("[::1]").matches("[::1]")).isTrue();
    assertThat(HostPattern.parse("::1").matches("http://[::1]/x")).isTrue();
    assertThat(HostPattern.parse("127.0.0.1").matches("127.0.0.1")).isTrue();
    assertThat(HostPattern.parse("api.github.com").matches("api.github.com:8443")).isFalse();
    assertThat(HostPattern.parse("api.github.com").matches("http://api.github.com")).isTrue();
    assertThat(HostPattern.parse("api.github.com").matches("http://api.github.com:443")).isFalse();
    assertThat(HostPattern.parse("api.github.com:8443").matches("api.github.com:8443")).isTrue();
    assertThat(HostPattern.parse("api.github.com:8443").matches("api.github.com")).isFalse();
    assertThat(HostPattern.parse("[::1]:8443").matches("https://[::1]:8443/x")).isTrue();
    assertThat(HostPattern.parse("bücher.example").matches("xn--bcher-kva.example")).isTrue();
    for (String bad : new String[] {"https://a.com", "a.com:x", "a.com:70000", "*.com", "a.com/x", "", "*"}) {
      assertThatThrownBy(() -> HostPattern.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
