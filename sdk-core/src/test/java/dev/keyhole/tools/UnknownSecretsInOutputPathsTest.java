package dev.keyhole.tools;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyhole.Keyhole;
import dev.keyhole.Redactor;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolFailedException;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.redact.DetectingRedactor;
import dev.keyhole.redact.DetectorMode;
import dev.keyhole.redact.Detectors;
import dev.keyhole.redact.RedactingStreams;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token Keyhole never resolved (here in GitHub's documented format, generated at run time) in
 * every output path, with {@code Keyhole.builder().detectors(...)}: tool results and errors, the
 * process tool's streamed output, the HTTP tool's response, and the redactor every framework guard
 * uses, streaming form included.
 */
class UnknownSecretsInOutputPathsTest {
  @TempDir Path work;

  private final MemoryAuditSink audit = MemoryAuditSink.create();
  private final String token = "gh" + "p_" + "aZ7" + Fixture.randomValue(31);
  private Keyhole keyhole;
  private WireMockServer server;

  private TaskScope open(DetectorMode mode) {
    keyhole = Keyhole.builder().auditSink(audit).expirySweep(false).detectors(mode).build();
    return keyhole.openTask(TaskOptions.builder().build());
  }

  @AfterEach
  void tearDown() {
    if (keyhole != null) {
      keyhole.close();
    }
    if (server != null) {
      server.stop();
    }
    for (AuditEvent e : audit.events()) {
      assertThat(e.toString()).doesNotContain(token);
    }
  }

  private void assertRedacted(String out) {
    assertThat(out).doesNotContain(token).contains("[REDACTED:github-token]");
  }

  @Test
  void off_isTheDefault_andLeavesUnknownTokensAlone() {
    keyhole = Keyhole.builder().expirySweep(false).build();
    assertThat(keyhole.redactor()).isNotInstanceOf(DetectingRedactor.class);
    try (TaskScope task = keyhole.openTask(TaskOptions.builder().build())) {
      assertThat(task.toolGuard().call("lookup", "{}", inv -> "found " + token)).contains(token);
    }
  }

  @Test
  void toolGuard_resultAndError() {
    try (TaskScope task = open(DetectorMode.REDACT)) {
      assertRedacted(task.toolGuard().call("lookup", "{}", inv -> "found token " + token));
      assertThatThrownBy(() -> task.toolGuard().call("lookup", "{}", inv -> {
        throw new IllegalStateException("bad credentials " + token);
      })).isInstanceOfSatisfying(ToolFailedException.class, e -> {
        assertRedacted(e.getMessage());
        assertThat(e.toString()).doesNotContain(token);
      });
    }
    assertThat(audit.events(AuditEventType.DETECTION)).isNotEmpty().allSatisfy(e -> {
      assertThat(e.outcome()).isEqualTo("redacted");
      assertThat(e.toString()).contains("github-token");
    });
  }

  @Test
  void processTool_streamedOutput() throws IOException {
    Path p = work.resolve("print.sh");
    // Printed in pieces: the streaming form must still see the whole token.
    Files.writeString(p, "#!/bin/sh\nprintf 'token=%s' \"" + token.substring(0, 9) + "\"\nprintf '%s\\n' \""
        + token.substring(9) + "\"\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    try (TaskScope task = open(DetectorMode.REDACT)) {
      String out = ProcessTool.builder(work).commands("print.sh").readChunkBytes(4).build()
          .call(task, "{\"argv\": [\"./print.sh\"]}");
      assertThat(out).contains("exit code: 0");
      assertRedacted(out);
    }
  }

  @Test
  void httpTool_responseBody() {
    server = new WireMockServer(options().dynamicPort());
    server.start();
    server.stubFor(get(urlPathEqualTo("/config")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"deploy_token\": \"" + token + "\"}")));
    try (TaskScope task = open(DetectorMode.REDACT)) {
      String out = HttpTool.builder().build().call(task, "{\"method\": \"GET\", \"url\": "
          + "\"http://localhost:" + server.port() + "/config\"}");
      assertThat(out).contains("200");
      assertRedacted(out);
    }
  }

  @Test
  void redactorOfEveryGuard_wholeAndStreaming() throws IOException {
    try (TaskScope task = open(DetectorMode.REDACT)) {
      Redactor r = task.redactor();
      assertThat(r).isSameAs(keyhole.redactor());
      assertRedacted(r.redact("memory: " + token));
      StringWriter sink = new StringWriter();
      try (Writer w = RedactingStreams.writer(sink, r)) {
        for (char c : ("streamed " + token + " done").toCharArray()) {
          w.write(c);
        }
      }
      assertRedacted(sink.toString());
    }
  }

  @Test
  void flag_auditsAndLeavesTheText() {
    try (TaskScope task = open(DetectorMode.FLAG)) {
      assertThat(task.toolGuard().call("lookup", "{}", inv -> "found " + token)).contains(token);
    }
    assertThat(audit.events(AuditEventType.DETECTION)).singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo("flagged"));
  }

  @Test
  void customDetectors_replaceTheBuiltInOnes() {
    keyhole = Keyhole.builder().expirySweep(false)
        .detectors(DetectorMode.REDACT, List.of(Detectors.awsAccessKeyId())).build();
    java.security.SecureRandom rnd = new java.security.SecureRandom();
    StringBuilder id = new StringBuilder("AK").append("IA");
    for (int i = 0; i < 16; i++) {
      id.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".charAt(rnd.nextInt(32)));
    }
    String aws = id.toString(); // generated: a keyboard pattern would count as a placeholder
    try (TaskScope task = keyhole.openTask(TaskOptions.builder().build())) {
      String out = task.toolGuard().call("lookup", "{}", inv -> aws + " " + token);
      assertThat(out).doesNotContain(aws).contains(token);
    }
  }
}
