package dev.keyhole.samples;

import static dev.keyhole.testkit.LeakAssertions.assertNoLeak;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.Use;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.providers.InMemoryProvider;
import dev.keyhole.testkit.LeakAssertions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the sample's main path in-process with planted random tokens (through the override env
 * vars) and checks that they reach the protected API and the deploy script but no model request,
 * transcript, console line or audit event, in any encoding the redactor knows.
 */
class CodingAgentSampleTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;

  /** A random value with characters whose encodings differ from the raw form ('+', '/', '='). */
  private static String planted() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_.";
    StringBuilder sb = new StringBuilder("planted");
    for (int i = 0; i < 40; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @Test
  void scriptedRun_keepsPlantedValuesAwayFromTheModel_whileToolsUseThem() throws Exception {
    String github = planted();
    String deploy = planted();
    Path transcript = dir.resolve("transcript.json");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(console, true, StandardCharsets.UTF_8);
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    CodingAgentSample.Result result;
    System.setOut(capture);
    System.setErr(capture); // library logging, if any, is console output too
    try {
      result = CodingAgentSample.run(new String[] {"--transcript", transcript.toString()},
          Map.of(DemoWorkspace.GITHUB_TOKEN_VAR, github, DemoWorkspace.DEPLOY_TOKEN_VAR, deploy),
          capture, Clock.systemUTC());
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    String out = console.toString(StandardCharsets.UTF_8);

    // The tools used the real values where policy allowed.
    assertThat(result.apiAuthorizedRequests()).as("API calls with the right token").isEqualTo(1);
    assertThat(result.apiRejectedRequests()).isZero();
    assertThat(out).contains("deploy.sh: token accepted by the deploy service");
    // Every exfiltration attempt was redacted or denied, and nothing reached the other host.
    assertThat(out).contains("debug: DEPLOY_TOKEN=secret://deploy_token")
        .contains("push refused for token secret://deploy_token")
        .contains("DENIED secret://deploy_token for run_process: COMMAND_NOT_ALLOWED")
        .contains("DENIED secret://github_token for run_process: TOOL_NOT_ALLOWED")
        .contains("DENIED the call by run_process's own rules: ENVIRONMENT_NOT_ALLOWED")
        .contains("does not let the model set environment variable 'LD_PRELOAD'")
        .contains("may not run 'cat .env'")
        .contains("-> https://collector.evil.example: DESTINATION_NOT_ALLOWED")
        .contains("redirected to http://localhost");
    assertThat(result.collectorRequests()).isZero();
    // The checks count the open redirect too: reached once, on the allowed host, never followed.
    assertThat(out).contains("open redirect (/login/oauth/continue on the API's host): 1 request(s),"
        + " 1 with the token");
    // The trimmed-base64 tail after a handle is explained, not left to look like a leak.
    assertThat(out).containsPattern("'secret://deploy_token[A-Za-z0-9+/]{1,2}=+': base64 is redacted");

    // The transcript holds exactly what the model endpoint received.
    assertThat(result.modelRequestBodies()).isEqualTo(result.scriptedModelReceived()).hasSize(4);
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(transcript.toFile()).size()).isEqualTo(4);

    // No value anywhere the model, a reader or a log could see.
    List<String> places = new ArrayList<>(result.modelRequestBodies());
    places.addAll(result.scriptedModelReceived());
    places.add(Files.readString(transcript));
    places.add(out);
    for (AuditEvent e : result.auditEvents()) {
      places.add(e + "\n" + json.writeValueAsString(e));
    }
    for (String place : places) {
      assertThat(place.contains(github) || place.contains(deploy)).as("a raw value leaked").isFalse();
    }
    // ... in any encoding (the script prints the deploy token base64-encoded, too).
    assumeTrue(redactorKnowsEncodings(), "the redaction engine in this build matches raw values"
        + " only; the encoded-forms half of this test needs the multi-encoding engine");
    for (int i = 0; i < places.size(); i++) {
      assertNoLeak("place " + i + " (model requests, transcript, console, audit)", places.get(i),
          github, deploy);
    }
    assertThat(result.exitCode()).isZero();
    assertThat(out).contains("none (checked raw, base64");
  }

  /** Whether this build's redactor rewrites the base64 form of a value it knows. */
  static boolean redactorKnowsEncodings() {
    String value = LeakAssertions.randomSecret();
    String b64 = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    try (Keyhole k = Keyhole.builder().provider(InMemoryProvider.create().put("probe", value))
        .expirySweep(false).build();
        TaskScope t = k.openTask(TaskOptions.builder().grant(
            Grant.builder("probe").ref("memory:probe").tools("probe").build()).build())) {
      t.resolve(t.handle("probe"), Use.byTool("probe")).destroy();
      return !k.redactor().redact("x " + b64 + " y").contains(b64);
    }
  }

  @Test
  void withOpenAiSettings_theSameAgentTalksToThatEndpoint() throws Exception {
    // Stands in for a real OpenAI-compatible server: the sample must not start its own model.
    try (ScriptedModel external = new ScriptedModel(Clock.systemUTC())) {
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      CodingAgentSample.Result result = CodingAgentSample.run(new String[0],
          Map.of("OPENAI_API_KEY", "test-key", "OPENAI_BASE_URL", external.baseUrl(),
              "OPENAI_MODEL", "gpt-test"),
          new PrintStream(console, true, StandardCharsets.UTF_8), Clock.systemUTC());

      assertThat(result.scriptedModelReceived()).isEmpty();
      assertThat(external.requestBodies()).hasSize(4).isEqualTo(result.modelRequestBodies());
      ObjectMapper json = new ObjectMapper();
      for (String body : external.requestBodies()) {
        assertThat(json.readTree(body).path("model").asText()).isEqualTo("gpt-test");
      }
      assertThat(console.toString(StandardCharsets.UTF_8)).contains("gpt-test at " + external.baseUrl());
      assumeTrue(redactorKnowsEncodings(), "exit code 0 needs the multi-encoding redaction engine");
      assertThat(result.exitCode()).isZero();
    }
  }

  @Test
  void cksum_matchesThePosixTool() throws Exception {
    byte[] data = planted().getBytes(StandardCharsets.UTF_8);
    Process p = new ProcessBuilder("cksum").start();
    p.getOutputStream().write(data);
    p.getOutputStream().close();
    String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        .split(" ", -1)[0];
    assertThat(p.waitFor()).isZero();
    assertThat(Long.toString(Cksum.of(data))).isEqualTo(expected);
  }

  @Test
  void unknownOption_isAUsageError() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CodingAgentSample.run(
        new String[] {"--nope"}, Map.of(), System.out, Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--transcript");
  }
}
