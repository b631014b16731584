package dev.keyhole.redact;

import dev.keyhole.Redactor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link Redactor} that runs another redactor (normally Keyhole's, for the live values it knows)
 * and then the {@link SecretDetector}s for secrets Keyhole never issued, in the chosen {@link
 * DetectorMode}: {@code OFF} passes the delegate's output on, {@code FLAG} reports each detection
 * to a listener and leaves the text alone, {@code REDACT} reports it and replaces the detected
 * range with {@code [REDACTED:detector-id]}.
 *
 * <p>Detector replacements are never matched by the built-in detectors, so redaction stays
 * idempotent. In streaming use, up to {@link #STREAM_WINDOW} characters are held back so that a
 * detectable token split across chunks is still seen whole.
 *
 * <p>Security: listeners receive a {@link Detection} (detector id, kind and offsets), never the
 * detected text. Thread-safe if the delegate, detectors and listener are.
 */
public final class DetectingRedactor implements Redactor {
  /** Characters held back by the streaming redactor in {@code FLAG} and {@code REDACT} modes. */
  public static final int STREAM_WINDOW = 4096;

  private final Redactor delegate;
  private final List<SecretDetector> detectors;
  private final DetectorMode mode;
  private final Consumer<Detection> listener;

  private DetectingRedactor(Builder b) {
    this.delegate = b.delegate;
    this.detectors = List.copyOf(b.detectors);
    this.mode = b.mode;
    this.listener = b.listener;
  }

  /** A builder around {@code delegate}, with {@link Detectors#defaults()} and mode {@code OFF}. */
  public static Builder builder(Redactor delegate) {
    return new Builder(Objects.requireNonNull(delegate, "delegate"));
  }

  public DetectorMode mode() {
    return mode;
  }

  public List<SecretDetector> detectors() {
    return detectors;
  }

  @Override
  public String redact(String text) {
    String known = delegate.redact(text);
    if (mode == DetectorMode.OFF || known.isEmpty()) {
      return known;
    }
    List<Detection> found = detectAll(known);
    if (found.isEmpty()) {
      return known;
    }
    found.forEach(listener);
    return mode == DetectorMode.REDACT ? replace(known, found, known.length()) : known;
  }

  @Override
  public boolean containsSecret(CharSequence text) {
    return delegate.containsSecret(text)
        || (mode == DetectorMode.REDACT && !detectAll(text.toString()).isEmpty());
  }

  /** Every detection of every detector in {@code text}, sorted by start offset. */
  public List<Detection> detectAll(CharSequence text) {
    List<Detection> all = new ArrayList<>(0);
    for (SecretDetector d : detectors) {
      all.addAll(d.detect(text));
    }
    all.sort(Comparator.comparingInt(Detection::start).thenComparingInt(d -> -d.end()));
    return all;
  }

  private static String replace(String text, List<Detection> found, int limit) {
    StringBuilder sb = new StringBuilder(text.length());
    int pos = 0;
    for (Detection d : found) {
      if (d.start() >= limit) {
        break;
      }
      if (d.end() <= pos) {
        continue;
      }
      sb.append(text, pos, Math.max(pos, d.start()));
      sb.append("[REDACTED:").append(d.detectorId()).append(']');
      pos = d.end();
    }
    return sb.append(text, pos, limit).toString();
  }

  @Override
  public StreamingRedactor streaming() {
    StreamingRedactor inner = delegate.streaming();
    if (mode == DetectorMode.OFF) {
      return inner;
    }
    return new StreamingRedactor() {
      private final StringBuilder held = new StringBuilder();

      @Override
      public String write(CharSequence chunk) {
        held.append(inner.write(chunk));
        if (held.length() < 2 * STREAM_WINDOW) {
          return "";
        }
        String text = held.toString();
        int cut = text.length() - STREAM_WINDOW;
        List<Detection> found = detectAll(text);
        for (Detection d : found) {
          if (d.start() < cut && d.end() > cut) {
            cut = d.start();
          }
        }
        List<Detection> released = new ArrayList<>();
        for (Detection d : found) {
          if (d.end() <= cut) {
            released.add(d);
          }
        }
        clear(cut);
        return emit(text, released, cut);
      }

      @Override
      public String finish() {
        held.append(inner.finish());
        String text = held.toString();
        clear(held.length());
        return emit(text, detectAll(text), text.length());
      }

      /** Drops the first {@code n} held characters, overwriting them first. */
      private void clear(int n) {
        for (int i = 0; i < n; i++) {
          held.setCharAt(i, '\0');
        }
        held.delete(0, n);
      }

      private String emit(String text, List<Detection> found, int limit) {
        found.forEach(listener);
        return mode == DetectorMode.REDACT && !found.isEmpty() ? replace(text, found, limit)
            : text.substring(0, limit);
      }
    };
  }

  @Override
  public String toString() {
    return "DetectingRedactor[mode=" + mode + ", detectors="
        + detectors.stream().map(SecretDetector::id).toList() + "]";
  }

  /** Builder of {@link DetectingRedactor}. */
  public static final class Builder {
    private final Redactor delegate;
    private List<SecretDetector> detectors = Detectors.defaults();
    private DetectorMode mode = DetectorMode.OFF;
    private Consumer<Detection> listener = d -> {};

    private Builder(Redactor delegate) {
      this.delegate = delegate;
    }

    /** The detectors to run (default {@link Detectors#defaults()}). */
    public Builder detectors(List<SecretDetector> detectors) {
      this.detectors = List.copyOf(detectors);
      return this;
    }

    /** What to do with detections (default {@code OFF}). */
    public Builder mode(DetectorMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Called with each detection in {@code FLAG} and {@code REDACT} modes (e.g. to audit it). */
    public Builder listener(Consumer<Detection> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public DetectingRedactor build() {
      return new DetectingRedactor(this);
    }
  }
}
