package dev.keyhole.benchmarks.redaction;

import dev.keyhole.Redactor.StreamingRedactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.internal.redact.KeyholeRedactionEngine;
import dev.keyhole.redact.RedactionOptions;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-chunk cost of redacting a model's streamed answer as it arrives in 4-character chunks (what
 * the streaming model guard does), beside appending the same chunks to a {@code StringBuilder}.
 * One op = one chunk.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StreamingBenchmark {
  static final int CHUNK = 4;
  static final int TEXT_CHARS = 16 * 1024;
  static final int CHUNKS = TEXT_CHARS / CHUNK;

  @State(Scope.Benchmark)
  public static class StreamState {
    @Param({"10", "10000"})
    public int secrets;

    KeyholeRedactionEngine engine;
    String[] chunks;

    @Setup
    public void setup() {
      Corpus c = RedactionBenchmark.corpus(secrets, 1 << 16);
      engine = new KeyholeRedactionEngine(Clock.systemUTC(), RedactionOptions.defaults());
      for (int i = 0; i < c.secrets.size(); i++) {
        engine.register(SecretValue.ofString(c.secrets.get(i)), SecretHandle.of("s" + i));
      }
      engine.matcherStats();
      String answer = answer(new Random(7), TEXT_CHARS);
      chunks = new String[CHUNKS];
      for (int i = 0; i < CHUNKS; i++) {
        chunks[i] = answer.substring(i * CHUNK, (i + 1) * CHUNK);
      }
    }
  }

  /** Markdown prose, lists and a code block: what a model streams back. */
  static String answer(Random r, int chars) {
    String[] words = {"the", "deploy", "failed", "because", "token", "was", "rejected", "by",
        "server", "retry", "with", "a", "new", "build", "and", "check", "logs", "for", "errors"};
    StringBuilder sb = new StringBuilder(chars + 64);
    while (sb.length() < chars) {
      switch (r.nextInt(5)) {
        case 0 -> sb.append("\n## Step ").append(r.nextInt(9)).append("\n\n");
        case 1 -> sb.append("- `").append(words[r.nextInt(words.length)]).append("()`: ");
        case 2 -> sb.append("\n```sh\ncurl -s https://api.example.com/v1/")
            .append(words[r.nextInt(words.length)]).append(" | jq .status\n```\n");
        default -> {
          for (int i = 0; i < 12; i++) {
            sb.append(words[r.nextInt(words.length)]).append(i == 11 ? ". " : " ");
          }
        }
      }
    }
    sb.setLength(chars);
    return sb.toString();
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public int keyholeStreaming(StreamState s) {
    StreamingRedactor r = s.engine.streaming();
    int n = 0;
    for (String c : s.chunks) {
      n += r.write(c).length();
    }
    return n + r.finish().length();
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public int stringBuilder(StreamState s) {
    StringBuilder sb = new StringBuilder();
    for (String c : s.chunks) {
      sb.append(c);
    }
    return sb.length();
  }
}
