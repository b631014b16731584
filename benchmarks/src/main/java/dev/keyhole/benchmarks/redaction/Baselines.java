package dev.keyhole.benchmarks.redaction;

import com.hankcs.algorithm.AhoCorasickDoubleArrayTrie;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ahocorasick.trie.Emit;
import org.ahocorasick.trie.Trie;

/**
 * The baselines: the same job (find every match of every pattern, overlaps included, merge, and
 * replace each merged range once) done with a per-pattern replace loop and two Aho-Corasick
 * libraries. Same merge and rewrite code for both automata.
 */
final class Baselines {
  private Baselines() {}

  /** Sequential {@code String.replace} per pattern: what a hand-rolled redactor does. */
  static String naive(String text, Map<String, String> patterns) {
    String out = text;
    for (Map.Entry<String, String> e : patterns.entrySet()) {
      if (out.contains(e.getKey())) {
        out = out.replace(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  static AhoCorasickDoubleArrayTrie<String> hankcs(Map<String, String> patterns) {
    AhoCorasickDoubleArrayTrie<String> trie = new AhoCorasickDoubleArrayTrie<>();
    trie.build(new TreeMap<>(patterns));
    return trie;
  }

  static String hankcs(String text, AhoCorasickDoubleArrayTrie<String> trie) {
    Hits hits = new Hits();
    trie.parseText(text, hits::add);
    return hits.rewrite(text);
  }

  static Trie ahocorasick(Map<String, String> patterns) {
    return Trie.builder().addKeywords(patterns.keySet()).build();
  }

  static String ahocorasick(String text, Trie trie, Map<String, String> patterns) {
    Collection<Emit> emits = trie.parseText(text);
    if (emits.isEmpty()) {
      return text;
    }
    Hits hits = new Hits();
    for (Emit e : emits) {
      hits.add(e.getStart(), e.getEnd() + 1, patterns.get(e.getKeyword()));
    }
    return hits.rewrite(text);
  }

  /** Collected matches; merged and applied like Keyhole does. */
  static final class Hits {
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private final List<String> tokens = new ArrayList<>();

    void add(int start, int end, String token) {
      int n = tokens.size();
      if (n == starts.length) {
        starts = Arrays.copyOf(starts, n * 2);
        ends = Arrays.copyOf(ends, n * 2);
      }
      starts[n] = start;
      ends[n] = end;
      tokens.add(token);
    }

    String rewrite(String text) {
      int n = tokens.size();
      if (n == 0) {
        return text;
      }
      long[] order = new long[n];
      for (int i = 0; i < n; i++) {
        order[i] = ((long) starts[i] << 32) | i;
      }
      Arrays.sort(order);
      StringBuilder sb = new StringBuilder(text.length());
      int pos = 0;
      int i = 0;
      while (i < n) {
        int idx = (int) order[i++];
        int s = starts[idx];
        int e = ends[idx];
        String token = tokens.get(idx);
        while (i < n && starts[(int) order[i]] <= e) {
          int next = (int) order[i++];
          e = Math.max(e, ends[next]);
          if (!tokens.get(next).equals(token)) {
            token = "secret://redacted";
          }
        }
        sb.append(text, pos, s).append(token);
        pos = e;
      }
      return sb.append(text, pos, text.length()).toString();
    }
  }
}
