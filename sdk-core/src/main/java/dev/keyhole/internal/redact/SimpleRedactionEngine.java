package dev.keyhole.internal.redact;

import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.RedactionEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal exact-match engine (raw form only). Placeholder for the real matcher; kept small and
 * correct: all matches, overlaps merged, one replacement per merged range.
 */
public final class SimpleRedactionEngine implements RedactionEngine {
  private static final int MIN_LENGTH = 4;

  private final Clock clock;
  private final Duration grace;
  private final List<Entry> entries = new CopyOnWriteArrayList<>();

  private static final class Entry implements Registration {
    final String form;
    final String token;
    volatile Instant retireAt;
    final List<Entry> owner;

    Entry(String form, String token, List<Entry> owner) {
      this.form = form;
      this.token = token;
      this.owner = owner;
    }

    @Override
    public void unregister() {
      // grace handled by the engine's sweep
    }
  }

  public SimpleRedactionEngine(Clock clock, Duration grace) {
    this.clock = clock;
    this.grace = grace;
  }

  @Override
  public Registration register(SecretValue value, SecretHandle handle) {
    String form = value.revealString();
    if (form.length() < MIN_LENGTH) {
      return () -> {};
    }
    Entry e = new Entry(form, handle.token(), entries);
    entries.add(e);
    return () -> {
      if (e.retireAt == null) {
        e.retireAt = clock.instant().plus(grace);
      }
    };
  }

  private List<Entry> live() {
    Instant now = clock.instant();
    entries.removeIf(e -> e.retireAt != null && !now.isBefore(e.retireAt));
    return entries;
  }

  @Override
  public String redact(String text) {
    List<Entry> es = live();
    if (es.isEmpty() || text.isEmpty()) {
      return text;
    }
    List<int[]> ranges = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (Entry e : es) {
      int from = 0;
      int i;
      while ((i = text.indexOf(e.form, from)) >= 0) {
        ranges.add(new int[] {i, i + e.form.length()});
        tokens.add(e.token);
        from = i + 1;
      }
    }
    if (ranges.isEmpty()) {
      return text;
    }
    Integer[] order = new Integer[ranges.size()];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    java.util.Arrays.sort(order, (a, b) -> Integer.compare(ranges.get(a)[0], ranges.get(b)[0]));
    StringBuilder sb = new StringBuilder(text.length());
    int pos = 0;
    int k = 0;
    while (k < order.length) {
      int start = ranges.get(order[k])[0];
      int end = ranges.get(order[k])[1];
      String token = tokens.get(order[k]);
      k++;
      while (k < order.length && ranges.get(order[k])[0] <= end) {
        end = Math.max(end, ranges.get(order[k])[1]);
        if (!tokens.get(order[k]).equals(token)) {
          token = "secret://redacted";
        }
        k++;
      }
      sb.append(text, pos, start).append(token);
      pos = end;
    }
    return sb.append(text, pos, text.length()).toString();
  }

  @Override
  public boolean containsSecret(CharSequence text) {
    String s = text.toString();
    for (Entry e : live()) {
      if (s.contains(e.form)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public StreamingRedactor streaming() {
    return new StreamingRedactor() {
      private final StringBuilder pending = new StringBuilder();

      @Override
      public String write(CharSequence chunk) {
        pending.append(chunk);
        int hold = 0;
        for (Entry e : live()) {
          hold = Math.max(hold, e.form.length() - 1);
        }
        String redacted = redact(pending.toString());
        if (redacted.length() <= hold) {
          pending.setLength(0);
          pending.append(redacted);
          return "";
        }
        String out = redacted.substring(0, redacted.length() - hold);
        pending.setLength(0);
        pending.append(redacted, redacted.length() - hold, redacted.length());
        return out;
      }

      @Override
      public String finish() {
        String out = redact(pending.toString());
        pending.setLength(0);
        return out;
      }
    };
  }

  @Override
  public String toString() {
    return "SimpleRedactionEngine[" + entries.size() + " forms]";
  }
}
