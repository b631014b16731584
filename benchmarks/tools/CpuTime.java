import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Thread CPU time per operation of the core benchmarks' bodies, for comparing two builds on a
 * shared, loaded machine, where JMH's wall-clock figures wander (CPU time does not count the time
 * a thread waits for a core). Not a JMH benchmark: a cross-check beside {@code benchmarks/run-core}.
 *
 * <p>Runs against any build's benchmarks jar (it uses only the benchmark classes, by reflection,
 * and the public Redactor API), as a single-file program:
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar benchmarks/tools/CpuTime.java
 *   java -cp /path/to/older/benchmarks.jar benchmarks/tools/CpuTime.java
 * </pre>
 */
public class CpuTime {
  static volatile Object sink;

  public static void main(String[] args) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Class<?> g = Class.forName("dev.keyhole.benchmarks.core.GuardedToolCallBenchmark");
    Object guarded = g.getConstructor().newInstance();
    g.getMethod("setUp").invoke(guarded);
    Method call = g.getMethod("guardedCall1KiBArgs4KiBResult");
    Object task = field(g, guarded, "task");
    String arguments = (String) field(g, guarded, "arguments");
    String result = (String) field(g, guarded, "result");
    String plain = result.replaceAll("[^A-Za-z0-9]", "x");
    Object redactor = task.getClass().getMethod("redactor").invoke(task);
    Method redact = Class.forName("dev.keyhole.Redactor").getMethod("redact", String.class);

    Class<?> r = Class.forName("dev.keyhole.benchmarks.core.ResolutionBenchmark");
    Object resolution = r.getConstructor().newInstance();
    r.getField("audit").set(resolution, "noop");
    r.getMethod("setUp").invoke(resolution);
    Method resolve = r.getMethod("keyholeResolveCacheHit");
    Method mapGet = r.getMethod("baselineConcurrentHashMapGet");

    for (int round = 0; round < 8; round++) {
      long t0 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < 50_000; i++) {
        sink = call.invoke(guarded);
      }
      long t1 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < 50_000; i++) {
        sink = redact.invoke(redactor, arguments);
        sink = redact.invoke(redactor, result);
      }
      long t2 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < 50_000; i++) {
        sink = redact.invoke(redactor, plain);
      }
      long t3 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < 2_000_000; i++) {
        sink = resolve.invoke(resolution);
      }
      long t4 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < 2_000_000; i++) {
        sink = mapGet.invoke(resolution);
      }
      long t5 = mx.getCurrentThreadCpuTime();
      if (round >= 4) { // the first rounds warm up
        System.out.printf("guarded call %.2f us (its two redaction scans %.2f us; the 4 KiB result"
                + " alone %.2f us, without separators) | resolve %.0f ns, map get %.0f ns"
                + " (both through reflection)%n",
            (t1 - t0) / 50_000 / 1e3, (t2 - t1) / 50_000 / 1e3, (t3 - t2) / 50_000 / 1e3,
            (t4 - t3) / 2e6, (t5 - t4) / 2e6);
      }
    }
    System.exit(0);
  }

  private static Object field(Class<?> c, Object o, String name) throws Exception {
    Field f = c.getDeclaredField(name);
    f.setAccessible(true);
    return f.get(o);
  }
}
