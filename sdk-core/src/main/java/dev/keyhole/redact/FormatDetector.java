package dev.keyhole.redact;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;

/**
 * Runs many {@link TokenFormat}s over a text in one prefilter pass: a {@link LiteralIndex} of all
 * their literals finds the places worth looking at, and each format's pattern runs only there.
 * Detections carry the format's id, so one detector reports many kinds.
 */
final class FormatDetector implements SecretDetector {
  private final String id;
  private final List<TokenFormat> formats;
  private final LiteralIndex index;
  private final int[] formatOfLiteral;

  FormatDetector(String id, List<TokenFormat> formats) {
    this.id = id;
    this.formats = List.copyOf(formats);
    List<String> literals = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    for (int f = 0; f < this.formats.size(); f++) {
      for (String l : this.formats.get(f).literals()) {
        literals.add(l);
        owners.add(f);
      }
    }
    this.index = new LiteralIndex(literals, false);
    this.formatOfLiteral = owners.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public String id() {
    return id;
  }

  List<TokenFormat> formats() {
    return formats;
  }

  @Override
  public List<Detection> detect(CharSequence text) {
    Objects.requireNonNull(text, "text");
    List<LiteralIndex.Hit> hits = index.find(text);
    if (hits.isEmpty()) {
      return List.of();
    }
    String s = text.toString();
    List<Detection> out = new ArrayList<>(2);
    int[] scannedTo = new int[formats.size()];
    Matcher[] matchers = new Matcher[formats.size()];
    for (LiteralIndex.Hit hit : hits) {
      int f = formatOfLiteral[hit.literal()];
      TokenFormat fmt = formats.get(f);
      int p = hit.position();
      if (p < scannedTo[f]) {
        continue;
      }
      Matcher m = matchers[f];
      if (m == null) {
        m = fmt.pattern().matcher(s);
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        matchers[f] = m;
      }
      int from = Math.max(scannedTo[f], p - fmt.before());
      int to = (int) Math.min(s.length(), (long) p + fmt.maxLength());
      // The token starts at most `before` characters before the literal: try each such start
      // anchored (lookingAt), never a free search through the window.
      for (int start = from; start <= p && start < to; start++) {
        if (start < p && start > 0 && Character.isLetterOrDigit(s.charAt(start - 1))) {
          continue; // every format that starts before its literal starts after a non-alphanumeric
        }
        m.region(start, to);
        if (!m.lookingAt()) {
          continue;
        }
        boolean group = m.groupCount() >= 1 && m.start(1) >= 0;
        int ts = group ? m.start(1) : m.start();
        int te = group ? m.end(1) : m.end();
        if (te > ts && fmt.check().accept(s, ts, te)) {
          out.add(new Detection(fmt.id(), fmt.kind(), ts, te));
          scannedTo[f] = Math.max(scannedTo[f], te);
          break;
        }
      }
    }
    out.sort(Comparator.comparingInt(Detection::start).thenComparingInt(d -> -d.end()));
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return "SecretDetector[" + id + "]";
  }
}
