package dev.keyhole.benchmarks.redaction;

import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.internal.redact.KeyholeRedactionEngine;
import dev.keyhole.redact.Detection;
import dev.keyhole.redact.DetectingRedactor;
import dev.keyhole.redact.DetectorMode;
import dev.keyhole.redact.Detectors;
import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.redact.SecretDetector;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of the unknown-secret detectors in the output path: 4 KiB tool outputs with no
 * credential (log lines, JSON, URLs, commit ids, config lines with secret-sounding names but no
 * values), redacted by the plain redactor (100 live secrets registered) and by the same redactor
 * wrapped in a {@link DetectingRedactor} in REDACT mode with {@link Detectors#defaults()}.
 * Each op processes one message; the report divides the two.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DetectorBenchmark {
  private static final int MESSAGES = 256;

  @State(Scope.Benchmark)
  public static class Outputs {
    KeyholeRedactionEngine engine;
    DetectingRedactor detecting;
    List<SecretDetector> detectors;
    String[] messages;
    int next;

    @Setup
    public void setup() {
      Random r = new Random(18);
      engine = new KeyholeRedactionEngine(Clock.systemUTC(), RedactionOptions.defaults());
      for (int i = 0; i < 100; i++) {
        engine.register(SecretValue.ofString(Corpus.random(r, 32)), SecretHandle.of("s" + i));
      }
      detecting = DetectingRedactor.builder(engine).mode(DetectorMode.REDACT).build();
      detectors = Detectors.defaults();
      StringBuilder text = new StringBuilder();
      String[] config = {"password_min_length: 12\n", "api_key: ${API_KEY}\n",
          "token_url = https://auth.example.com/oauth/token\n", "GITHUB_TOKEN_FILE=/run/secrets/gh\n",
          "secretName: db-credentials\n", "  remoteRef:\n    key: prod/db\n",
          "Authorization: Bearer secret://github_token\n", "sk-learn and skimage are libraries\n"};
      while (text.length() < MESSAGES * 4096) {
        text.append(Corpus.logText(r, 1500)).append('\n').append(config[r.nextInt(config.length)]);
      }
      messages = Corpus.messages(text.toString(), 4096);
      for (String m : messages) {
        for (SecretDetector d : detectors) {
          List<Detection> hits = d.detect(m);
          if (!hits.isEmpty()) {
            throw new IllegalStateException("benchmark text has a detection: " + hits);
          }
        }
      }
    }

    String message() {
      next = (next + 1) % messages.length;
      return messages[next];
    }
  }

  @Benchmark
  public String plainRedactor(Outputs s) {
    return s.engine.redact(s.message());
  }

  @Benchmark
  public String detectingRedactor(Outputs s) {
    return s.detecting.redact(s.message());
  }

  @Benchmark
  public int detectorsOnly(Outputs s) {
    String m = s.message();
    int n = 0;
    for (SecretDetector d : s.detectors) {
      n += d.detect(m).size();
    }
    return n;
  }
}
