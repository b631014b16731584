package dev.keyhole;

/**
 * Rewrites every live secret value in text, in its common encodings, to the handle token of the
 * secret ({@code secret://name}). Keyhole's backstop: the boundary is that values never reach the
 * model, but any tool can print, echo, encode or fail with a value it used.
 *
 * <p>A {@link Keyhole} instance has one redactor that knows the values of every open task (and of
 * recently closed ones, for a grace period). Implementations are thread-safe.
 */
public interface Redactor {
  /**
   * Returns {@code text} with every match replaced. Returns the same instance when nothing matched.
   */
  String redact(String text);

  /** Whether {@code text} holds any live value in any known form. */
  boolean containsSecret(CharSequence text);

  /**
   * A redactor for text that arrives in chunks (process output, streamed model responses). It
   * holds back only the tail that could still be the start of a secret, so a value split across
   * chunk boundaries is still caught.
   */
  StreamingRedactor streaming();

  /** A redactor that knows no secrets (returns its input). */
  static Redactor none() {
    return NoopRedactor.INSTANCE;
  }

  /** Chunk-by-chunk redaction. Not thread-safe: one per stream. */
  interface StreamingRedactor {
    /** Accepts the next chunk and returns the text that is now safe to emit (possibly empty). */
    String write(CharSequence chunk);

    /** Ends the stream and returns everything still held back, redacted. */
    String finish();
  }
}

enum NoopRedactor implements Redactor {
  INSTANCE;

  @Override
  public String redact(String text) {
    return text;
  }

  @Override
  public boolean containsSecret(CharSequence text) {
    return false;
  }

  @Override
  public StreamingRedactor streaming() {
    return new StreamingRedactor() {
      @Override
      public String write(CharSequence chunk) {
        return chunk.toString();
      }

      @Override
      public String finish() {
        return "";
      }
    };
  }
}
