package dev.keyhole.internal.redact;

import java.util.Arrays;

/**
 * A growable list of matches {@code [start, end) -> owner}, and their merge into disjoint ranges.
 * Allocated only when something matched.
 */
final class MatchList {
  /** Owner id of a merged range that covers matches of more than one owner. */
  static final int MIXED = -1;

  private int[] data = new int[3 * 8];
  private int size;

  void add(int start, int end, int owner) {
    if (3 * size + 3 > data.length) {
      data = Arrays.copyOf(data, data.length * 2);
    }
    data[3 * size] = start;
    data[3 * size + 1] = end;
    data[3 * size + 2] = owner;
    size++;
  }

  int size() {
    return size;
  }

  int start(int i) {
    return data[3 * i];
  }

  int end(int i) {
    return data[3 * i + 1];
  }

  int owner(int i) {
    return data[3 * i + 2];
  }

  /**
   * The matches sorted by start, with overlapping and adjacent ones merged into one range; a range
   * whose matches have different owners gets owner {@link #MIXED}.
   */
  MatchList merged() {
    long[] order = new long[size];
    for (int i = 0; i < size; i++) {
      order[i] = ((long) start(i) << 32) | i;
    }
    Arrays.sort(order);
    MatchList out = new MatchList();
    int i = 0;
    while (i < size) {
      int idx = (int) order[i];
      int s = start(idx);
      int e = end(idx);
      int o = owner(idx);
      i++;
      while (i < size && start((int) order[i]) <= e) {
        int next = (int) order[i];
        e = Math.max(e, end(next));
        if (owner(next) != o) {
          o = MIXED;
        }
        i++;
      }
      out.add(s, e, o);
    }
    return out;
  }
}
