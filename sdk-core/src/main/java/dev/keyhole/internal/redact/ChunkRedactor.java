package dev.keyhole.internal.redact;

import dev.keyhole.Redactor.StreamingRedactor;
import dev.keyhole.internal.redact.KeyholeRedactionEngine.Snapshot;

/**
 * Streaming redaction: emits everything except the tail that could still be the start of a
 * pattern (a proper prefix of some form, or the last few characters that are shorter than one
 * q-gram), and never cuts through a complete match.
 *
 * <p>Each write scans the held-back tail plus the new chunk, so the cost stays linear in the input.
 * The matcher generation is taken afresh on every write, so values registered mid-stream are caught
 * from then on.
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
    int cut = safeCut(s.matcher, text);
    if (cut == 0) {
      return "";
    }
    MatchList found = s.matcher.scan(text, 0, cut, null, false);
    String out = found == null ? text.substring(0, cut)
        : KeyholeRedactionEngine.rewrite(s, text, cut, found);
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
   * that could still grow into a match, and not inside a complete match.
   */
  static int safeCut(Matcher m, String text) {
    int n = text.length();
    if (m.patternCount == 0) {
      return n;
    }
    int cut = n;
    for (int i = Math.max(0, n - m.maxLen + 1); i < n; i++) {
      if (m.couldStartPattern(text, i)) {
        cut = i;
        break;
      }
    }
    MatchList near = m.scan(text, Math.max(0, cut - m.maxLen + 1), n, null, false);
    if (near == null) {
      return cut;
    }
    boolean moved = true;
    while (moved) {
      moved = false;
      for (int i = 0; i < near.size(); i++) {
        if (near.start(i) < cut && near.end(i) > cut) {
          cut = near.start(i);
          moved = true;
        }
      }
    }
    return cut;
  }
}
