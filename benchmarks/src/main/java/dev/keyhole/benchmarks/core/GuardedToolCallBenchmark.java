package dev.keyhole.benchmarks.core;

import dev.keyhole.Grant;
import dev.keyhole.HandleParameter;
import dev.keyhole.Keyhole;
import dev.keyhole.Policy;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolGuard;
import dev.keyhole.providers.InMemoryProvider;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One guarded tool call: 1 KiB of JSON arguments holding a handle, policy check with a destination,
 * resolution (cache hit), substitution, a tool body returning 4 KiB of text, redaction of the
 * result, destruction of the values. Target: at most 20 µs per call. The baseline is the same tool
 * body called directly, without Keyhole.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GuardedToolCallBenchmark {
  private Keyhole keyhole;
  private TaskScope task;
  private ToolGuard guard;
  private String arguments;
  private String result;
  private ToolGuard.ToolBody<String> body;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] raw = new byte[24];
    new SecureRandom().nextBytes(raw);
    String value = Base64.getUrlEncoder().encodeToString(raw);
    keyhole = Keyhole.builder()
        .provider(InMemoryProvider.create().put("gh", value))
        .policy(Policy.builder().grant(Grant.builder("github_token").ref("memory:gh")
            .tools("http_request").destinations("api.github.com").build()).build())
        .build();
    task = keyhole.openTask(TaskOptions.builder().grants("github_token").build());
    guard = ToolGuard.builder(task)
        .destinationParameter("http_request", "url")
        .handleParameter("http_request", HandleParameter.of("headers").embedded(true))
        .build();
    StringBuilder padding = new StringBuilder();
    while (padding.length() < 880) {
      padding.append("lorem ipsum dolor sit amet ");
    }
    arguments = "{\"method\":\"POST\",\"url\":\"https://api.github.com/repos/acme/app/issues\","
        + "\"headers\":{\"Authorization\":\"Bearer secret://github_token\",\"Accept\":\"application/json\"},"
        + "\"body\":\"" + padding.substring(0, 880) + "\"}";
    StringBuilder r = new StringBuilder();
    while (r.length() < 4096) {
      r.append("{\"id\":12345,\"state\":\"open\",\"title\":\"Build fails on main\"},\n");
    }
    result = r.substring(0, 4096);
    body = inv -> result;
    guard.call("http_request", arguments, body); // warm the cache
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    task.close();
    keyhole.close();
  }

  @Benchmark
  public String baselineDirectCall() throws Exception {
    return body.run(null);
  }

  @Benchmark
  public String guardedCall1KiBArgs4KiBResult() {
    return guard.call("http_request", arguments, body);
  }
}
