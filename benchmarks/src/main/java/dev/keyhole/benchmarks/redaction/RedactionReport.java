package dev.keyhole.benchmarks.redaction;

import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.internal.redact.KeyholeRedactionEngine;
import dev.keyhole.internal.redact.KeyholeRedactionEngine.MatcherStats;
import dev.keyhole.redact.RedactionOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link RedactionBenchmark} for 10, 1,000 and 10,000 secrets with every baseline in the same
 * run and prints one line per configuration: MB/s (text characters, one byte each in this ASCII
 * corpus, per second) and the ratios to the double-array Aho-Corasick and to {@code
 * String.indexOf}. Also prints the matcher's heap and build times at 10,000 secrets.
 *
 * <p>{@code --quick}: 8 MiB text, in this JVM (no fork, so inputs and automata are built once), 1
 * warm-up and 2 measurement iterations of 1 s, about 2 minutes on an idle 2-core machine. Default:
 * 64 MiB text, one fork per configuration, 3 warm-ups, 5 iterations of 2 s.
 */
public final class RedactionReport {
  private RedactionReport() {}

  /**
   * hankcs is left out from this many secrets on: its double-array build took 6.6 minutes for
   * the 32,000 patterns of 1,000 secrets here, grows faster than the pattern count, and ran out of
   * memory at 6 and 14 GiB for the 320,000 patterns of 10,000 ({@code --hankcs-everywhere} tries).
   */
  static final int HANKCS_LIMIT = 10000;

  public static void main(String[] args) throws RunnerException {
    boolean quick = Arrays.asList(args).contains("--quick");
    int textChars = quick ? 8 << 20 : 64 << 20;
    int naiveChars = quick ? 64 << 10 : 256 << 10;
    int[] sizes = {10, 1000, 10000};

    Map<String, Double> mbs = new LinkedHashMap<>();
    Map<String, Double> allocNorm = new LinkedHashMap<>();
    for (int secrets : sizes) {
      List<String> methods = new ArrayList<>(List.of("keyhole", "keyhole4KiB", "ahocorasick",
          "naive"));
      if (secrets < HANKCS_LIMIT || Arrays.asList(args).contains("--hankcs-everywhere")) {
        methods.add("hankcs");
      }
      if (secrets == sizes[sizes.length - 1]) {
        methods.add("keyholeNoMatch");
      }
      if (secrets == sizes[0]) {
        methods.add("indexOf");
      }
      ChainedOptionsBuilder opt = new OptionsBuilder()
          .include(RedactionBenchmark.class.getName() + "\\.(" + String.join("|", methods) + ")$")
          .param("secrets", Integer.toString(secrets))
          .param("textChars", Integer.toString(textChars))
          .param("naiveChars", Integer.toString(naiveChars))
          .forks(quick ? 0 : 1)
          .warmupIterations(quick ? 1 : 3)
          .measurementIterations(quick ? 2 : 5)
          .warmupTime(TimeValue.seconds(quick ? 1 : 2))
          .measurementTime(TimeValue.seconds(quick ? 1 : 2))
          .jvmArgsAppend("-Xms2g", "-Xmx6g")
          .addProfiler(GCProfiler.class)
          .shouldDoGC(true);
      for (RunResult r : new Runner(opt.build()).run()) {
        String method = r.getParams().getBenchmark();
        method = method.substring(method.lastIndexOf('.') + 1);
        int chars = method.equals("naive") ? naiveChars : textChars;
        double opsPerSecond = r.getPrimaryResult().getScore();
        mbs.put(secrets + "/" + method, opsPerSecond * chars / 1e6);
        Result<?> alloc = r.getSecondaryResults().get("·gc.alloc.rate.norm");
        if (alloc == null) {
          alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
        }
        if (alloc != null) {
          allocNorm.put(secrets + "/" + method, alloc.getScore());
        }
      }
    }

    double indexOf = mbs.getOrDefault(sizes[0] + "/indexOf", Double.NaN);
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%nRedaction benchmark (%s): %d MiB mixed log/JSON text,"
        + " a planted form every %d KiB; String.indexOf(absent 32 chars) = %.0f MB/s%n",
        quick ? "--quick" : "full", textChars >> 20, Corpus.PLANT_EVERY >> 10, indexOf));
    for (int secrets : sizes) {
      Corpus c = RedactionBenchmark.corpus(secrets, 1 << 16);
      double hankcs = mbs.getOrDefault(secrets + "/hankcs", Double.NaN);
      out.append(String.format(Locale.ROOT, "secrets=%-6d patterns=%-6d", secrets,
          c.patterns.size()));
      for (String m : List.of("keyhole", "keyhole4KiB", "keyholeNoMatch", "hankcs",
          "ahocorasick", "naive")) {
        Double v = mbs.get(secrets + "/" + m);
        if (v != null) {
          out.append(String.format(Locale.ROOT, "  %s=%.1f MB/s", m, v));
        }
      }
      double k = mbs.getOrDefault(secrets + "/keyhole", Double.NaN);
      double k4 = mbs.getOrDefault(secrets + "/keyhole4KiB", Double.NaN);
      double aho = mbs.getOrDefault(secrets + "/ahocorasick", Double.NaN);
      out.append(Double.isNaN(hankcs) ? "  | hankcs not run (too slow to build)"
          : String.format(Locale.ROOT, "  | keyhole/hankcs=%.1fx", k / hankcs));
      out.append(String.format(Locale.ROOT,
          "  keyhole/ahocorasick=%.1fx  keyhole/indexOf=%.2fx  4KiB/large=%.2fx",
          k / aho, k / indexOf, k4 / k));
      Double clean = mbs.get(secrets + "/keyholeNoMatch");
      if (clean != null) {
        out.append(String.format(Locale.ROOT, "  noMatch/indexOf=%.2fx", clean / indexOf));
      }
      out.append(String.format("%n"));
    }
    allocNorm.forEach((k, v) -> {
      if (k.startsWith("10000/keyhole")) {
        out.append(String.format(Locale.ROOT, "allocation per op %-22s %.1f B/op%n", k, v));
      }
    });
    out.append(buildStats(sizes[sizes.length - 1]));
    out.append(streaming(quick));
    System.out.print(out);
  }

  /** {@link StreamingBenchmark}: ns per 4-character chunk, Keyhole beside StringBuilder. */
  static String streaming(boolean quick) throws RunnerException {
    ChainedOptionsBuilder opt = new OptionsBuilder()
        .include(StreamingBenchmark.class.getName() + "\\.")
        .forks(quick ? 0 : 1)
        .warmupIterations(quick ? 1 : 3)
        .measurementIterations(quick ? 2 : 5)
        .warmupTime(TimeValue.seconds(quick ? 1 : 2))
        .measurementTime(TimeValue.seconds(quick ? 1 : 2))
        .jvmArgsAppend("-Xms2g", "-Xmx6g");
    Map<String, Double> ns = new LinkedHashMap<>();
    for (RunResult r : new Runner(opt.build()).run()) {
      String method = r.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      ns.put(r.getParams().getParam("secrets") + "/" + method, r.getPrimaryResult().getScore());
    }
    StringBuilder out = new StringBuilder();
    for (String secrets : List.of("10", "10000")) {
      double k = ns.getOrDefault(secrets + "/keyholeStreaming", Double.NaN);
      double sb = ns.getOrDefault(secrets + "/stringBuilder", Double.NaN);
      out.append(String.format(Locale.ROOT, "streaming at %s secrets, %d-char chunks: keyhole %.1f"
          + " ns/chunk, StringBuilder.append %.1f ns/chunk, ratio %.1fx%n", secrets,
          StreamingBenchmark.CHUNK, k, sb, k / sb));
    }
    return out.toString();
  }

  /**
   * Retained size of the matcher at {@code secrets} values, and two build times, in this JVM: the
   * update after one more registration (what a task's first use of a handle costs the next scan;
   * median of 11, each registering one more value, its own registration cost not counted) and a
   * full build (after a grace period ends; median of 11).
   */
  static String buildStats(int secrets) {
    Corpus c = RedactionBenchmark.corpus(secrets, 1 << 16);
    KeyholeRedactionEngine engine =
        new KeyholeRedactionEngine(Clock.systemUTC(), RedactionOptions.defaults());
    for (int i = 0; i < c.secrets.size(); i++) {
      engine.register(SecretValue.ofString(c.secrets.get(i)), SecretHandle.of("s" + i));
    }
    engine.refresh();
    long[] full = new long[11];
    for (int i = 0; i < 25; i++) {
      long t0 = System.nanoTime();
      engine.rebuildNow();
      if (i >= 14) {
        full[i - 14] = System.nanoTime() - t0;
      }
    }
    java.util.Random r = new java.util.Random(7);
    long[] update = new long[11];
    for (int i = 0; i < 25; i++) {
      engine.register(SecretValue.ofString(Corpus.random(r, 32)), SecretHandle.of("extra" + i));
      long t0 = System.nanoTime();
      engine.refresh();
      if (i >= 14) {
        update[i - 14] = System.nanoTime() - t0;
      }
    }
    MatcherStats stats = engine.matcherStats(); // described after timing: its heap count is slow
    Arrays.sort(full);
    Arrays.sort(update);
    return String.format(Locale.ROOT, "matcher at %d secrets: %d patterns, step %d, window %d,"
        + " heap %.1f MiB (forms' sources included); update after one registration %.1f ms,"
        + " full build %.1f ms (medians of 11)%n",
        secrets, stats.patterns(), stats.step(), stats.window(),
        stats.footprintBytes() / 1048576.0, update[5] / 1e6, full[5] / 1e6);
  }
}
