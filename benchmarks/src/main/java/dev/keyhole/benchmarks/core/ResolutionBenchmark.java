package dev.keyhole.benchmarks.core;

import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.Policy;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.Use;
import dev.keyhole.audit.AuditSink;
import dev.keyhole.providers.InMemoryProvider;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cache-hit resolution of a handle through an open TaskScope (policy check, use count, copy out,
 * destroy) next to the bare {@code ConcurrentHashMap.get} it is compared with. Run both in one JMH
 * run and read the ratio: {@code benchmarks/run-core}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResolutionBenchmark {
  /** "noop": no audit sink; "memory": every use is recorded as an audit event (the default setup). */
  @Param({"noop", "recording"})
  public String audit;

  private final ConcurrentHashMap<String, char[]> map = new ConcurrentHashMap<>();
  private Keyhole keyhole;
  private TaskScope task;
  private SecretHandle handle;
  private Use use;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] raw = new byte[24];
    new SecureRandom().nextBytes(raw);
    String value = Base64.getEncoder().encodeToString(raw);
    for (int i = 0; i < 64; i++) {
      map.put("handle_" + i, ("v" + i).toCharArray());
    }
    map.put("github_token", value.toCharArray());
    AuditSink sink = audit.equals("noop") ? AuditSink.noop() : e -> { };
    keyhole = Keyhole.builder()
        .provider(InMemoryProvider.create().put("gh", value))
        .policy(Policy.builder().grant(Grant.builder("github_token").ref("memory:gh")
            .tools("http_request").destinations("api.github.com").build()).build())
        .auditSink(sink)
        .build();
    task = keyhole.openTask(TaskOptions.builder().grants("github_token").build());
    handle = SecretHandle.of("github_token");
    use = Use.towards("http_request", "api.github.com");
    task.resolve(handle, use).destroy(); // warm the cache: we measure hits
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    task.close();
    keyhole.close();
  }

  @Benchmark
  public char[] baselineConcurrentHashMapGet() {
    return map.get("github_token");
  }

  @Benchmark
  public boolean keyholeResolveCacheHit() {
    SecretValue v = task.resolve(handle, use);
    v.destroy();
    return v.isDestroyed();
  }
}
