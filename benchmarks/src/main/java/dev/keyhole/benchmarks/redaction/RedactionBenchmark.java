package dev.keyhole.benchmarks.redaction;

import com.hankcs.algorithm.AhoCorasickDoubleArrayTrie;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.internal.redact.KeyholeRedactionEngine;
import dev.keyhole.redact.RedactionOptions;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.ahocorasick.trie.Trie;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Scan + rewrite throughput of Keyhole's redaction engine and of the baselines over the same text
 * and the same pattern set (every form of every secret). Each benchmark op processes the whole
 * text once; {@link RedactionReport} turns ops/s into MB/s and ratios.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RedactionBenchmark {
  private static final Map<String, Corpus> CORPORA = new ConcurrentHashMap<>();

  static Corpus corpus(int secrets, int textChars) {
    return CORPORA.computeIfAbsent(secrets + "/" + textChars, k -> new Corpus(secrets, textChars));
  }

  /** Parameters shared by all states. */
  @State(Scope.Benchmark)
  public abstract static class Input {
    @Param({"10", "1000", "10000"})
    public int secrets;

    @Param({"67108864"})
    public int textChars;

    Corpus corpus;

    void load() {
      corpus = corpus(secrets, textChars);
    }
  }

  @State(Scope.Benchmark)
  public static class KeyholeState extends Input {
    KeyholeRedactionEngine engine;
    String[] messages;

    @Setup
    public void setup() {
      load();
      engine = new KeyholeRedactionEngine(Clock.systemUTC(), RedactionOptions.defaults());
      for (int i = 0; i < corpus.secrets.size(); i++) {
        engine.register(SecretValue.ofString(corpus.secrets.get(i)), SecretHandle.of("s" + i));
      }
      engine.matcherStats();
      messages = Corpus.messages(corpus.text, 4096);
      // Sanity check: every planted form became exactly one token.
      String out = engine.redact(corpus.text);
      int tokens = 0;
      for (int i = out.indexOf("secret://"); i >= 0; i = out.indexOf("secret://", i + 1)) {
        tokens++;
      }
      if (tokens != corpus.planted) {
        throw new IllegalStateException("Keyhole replaced " + tokens + " ranges, expected "
            + corpus.planted);
      }
    }
  }

  @State(Scope.Benchmark)
  public static class TextState extends Input {
    @Setup
    public void setup() {
      load();
    }
  }

  @State(Scope.Benchmark)
  public static class HankcsState extends Input {
    AhoCorasickDoubleArrayTrie<String> trie;

    @Setup
    public void setup() {
      load();
      trie = Baselines.hankcs(corpus.patterns);
    }
  }

  @State(Scope.Benchmark)
  public static class AhoCorasickState extends Input {
    Trie trie;

    @Setup
    public void setup() {
      load();
      trie = Baselines.ahocorasick(corpus.patterns);
    }
  }

  @State(Scope.Benchmark)
  public static class NaiveState extends Input {
    /** The replace loop is far too slow for the full text; it runs on a prefix of this size. */
    @Param({"262144"})
    public int naiveChars;

    String text;

    @Setup
    public void setup() {
      load();
      text = corpus.text.substring(0, Math.min(naiveChars, corpus.text.length()));
    }
  }

  @Benchmark
  public String keyhole(KeyholeState s) {
    return s.engine.redact(s.corpus.text);
  }

  /** The same text without planted secrets: the no-match path (allocates nothing). */
  @Benchmark
  public String keyholeNoMatch(KeyholeState s) {
    return s.engine.redact(s.corpus.cleanText);
  }

  /** The text as 4 KiB messages, one redact call each. */
  @Benchmark
  public int keyhole4KiB(KeyholeState s) {
    int n = 0;
    for (String m : s.messages) {
      n += s.engine.redact(m).length();
    }
    return n;
  }

  @Benchmark
  public String hankcs(HankcsState s) {
    return Baselines.hankcs(s.corpus.text, s.trie);
  }

  @Benchmark
  public String ahocorasick(AhoCorasickState s) {
    return Baselines.ahocorasick(s.corpus.text, s.trie, s.corpus.patterns);
  }

  @Benchmark
  public String naive(NaiveState s) {
    return Baselines.naive(s.text, s.corpus.patterns);
  }

  /** {@code String.indexOf} of one absent 32-character string over the same text. */
  @Benchmark
  public int indexOf(TextState s) {
    return s.corpus.text.indexOf(Corpus.ABSENT);
  }
}
