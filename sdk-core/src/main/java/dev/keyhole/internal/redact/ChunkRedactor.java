package dev.keyhole.internal.redact;

import dev.keyhole.Redactor.StreamingRedactor;
import dev.keyhole.internal.redact.KeyholeRedactionEngine.Snapshot;
import org.jspecify.annotations.Nullable;

/**
 * Streaming redaction: emits everything except the tail that could still grow into a match (a
 * proper prefix of some form, separators included for tolerant forms, or the last characters that
 * cannot yet form a q-gram), and never cuts through a complete match. What is held back is decided
 * by content, so it is only as long as the longest form (with its separators) actually in progress.
 *
 * <p>Each write scans the held-back tail plus the new chunk once, so the cost stays linear in the
 * input when nothing is pending. The matcher generation is taken afresh on every write, so values
 * registered mid-stream are caught from then on.
 */
final class ChunkRedactor implements StreamingRedactor {
  private final KeyholeRedactionEngine engine;
  private final StringBuilder pending = new StringBuilder();
  private boolean finished;

  ChunkRedactor(KeyholeRedactionEngine engine) {
    this.engine = engine;
  }

  @Override
  public String write(CharSequence chunk) {
    if (finished) {
      throw new IllegalStateException("This streaming redactor was finished; start a new one with"
          + " Redactor.streaming()");
    }
    if (chunk.length() == 0) {
      return "";
    }
    pending.append(chunk);
    String text = pending.toString();
    Snapshot s = engine.snapshot();
    Matcher m = s.matcher;
    int n = text.length();
    MatchList found = m.scan(text, 0, n, null, false);
    int cut = safeCut(m, text, found);
    if (cut == 0) {
      return "";
    }
    MatchList emitted = null;
    if (found != null) {
      for (int i = 0; i < found.size(); i++) {
        if (found.end(i) <= cut) {
          if (emitted == null) {
            emitted = new MatchList();
          }
          emitted.add(found.start(i), found.end(i), found.owner(i));
        }
      }
    }
    String out = emitted == null ? text.substring(0, cut)
        : KeyholeRedactionEngine.rewrite(s, text, cut, emitted);
    wipe(0, cut);
    pending.delete(0, cut);
    return out;
  }

  @Override
  public String finish() {
    if (finished) {
      return "";
    }
    finished = true;
    String text = pending.toString();
    wipe(0, pending.length());
    pending.setLength(0);
    return engine.redact(text);
  }

  private void wipe(int from, int to) {
    for (int i = from; i < to; i++) {
      pending.setCharAt(i, '\0');
    }
  }

  /**
   * The longest prefix of {@code text} that can be emitted now: it ends before the earliest tail
   * that could still grow into a match, and not inside a complete match ({@code found}: every
   * match in {@code text}).
   */
  static int safeCut(Matcher m, String text, @Nullable MatchList found) {
    int n = text.length();
    if (m.patternCount == 0) {
      return n;
    }
    int cut = n;
    for (int i = Math.max(0, n - m.maxExtent + 1); i < n; i++) {
      if (m.couldStartPattern(text, i)) {
        cut = i;
        break;
      }
    }
    if (found == null) {
      return cut;
    }
    boolean moved = true;
    while (moved) {
      moved = false;
      for (int i = 0; i < found.size(); i++) {
        if (found.start(i) < cut && found.end(i) > cut) {
          cut = found.start(i);
          moved = true;
        }
      }
    }
    return cut;
  }
}
