package dev.keyhole.benchmarks.redaction;

import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.internal.redact.KeyholeRedactionEngine;
import dev.keyhole.internal.redact.Strength;
import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.spi.RedactionEngine;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of registering one value with the redaction engine (what a task pays on a handle's first
 * resolution), with the weak-value check as it runs by default (entropy check and the zxcvbn
 * estimate) next to the same registration with weak values allowed (entropy check only, no
 * zxcvbn), and the zxcvbn estimate on its own. Values: random alphanumeric of {@code length}
 * characters, cycled from a fixed pool. Each op registers into a fresh engine, so the engine's
 * own size does not grow over the run.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar RegistrationBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RegistrationBenchmark {
  @Param({"16", "32", "64"})
  public int length;

  private static final int POOL = 1024;
  private static final SecretHandle HANDLE = SecretHandle.of("bench");
  private final Clock clock = Clock.systemUTC();
  private final RedactionOptions checked = RedactionOptions.defaults();
  private final RedactionOptions weakAllowed =
      RedactionOptions.builder().allowWeakValues(true).build();
  private SecretValue[] values;
  private char[][] chars;
  private int next;

  @Setup
  public void setUp() {
    Random r = new Random(7L + length);
    values = new SecretValue[POOL];
    chars = new char[POOL][];
    for (int i = 0; i < POOL; i++) {
      String s = Corpus.random(r, length);
      values[i] = SecretValue.ofString(s);
      chars[i] = s.toCharArray();
    }
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) % POOL;
    return i;
  }

  /** Default registration: entropy check plus the zxcvbn estimate. */
  @Benchmark
  public RedactionEngine.Registration registerWithStrengthCheck() {
    return new KeyholeRedactionEngine(clock, checked).register(values[nextIndex()], HANDLE);
  }

  /** Baseline: the same registration with weak values allowed, which skips zxcvbn. */
  @Benchmark
  public RedactionEngine.Registration registerWithoutStrengthCheck() {
    return new KeyholeRedactionEngine(clock, weakAllowed).register(values[nextIndex()], HANDLE);
  }

  /** The zxcvbn estimate alone. */
  @Benchmark
  public boolean strengthEstimateOnly() {
    return Strength.isGuessable(chars[nextIndex()]);
  }
}
