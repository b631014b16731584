package dev.keyhole.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes one JSON object per line (JSON Lines) to a file or stream. Thread-safe; flushes after each
 * event so that a crash loses nothing already recorded.
 */
public final class JsonLinesAuditSink implements AuditSink, AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final OutputStream out;
  private final boolean ownsStream;

  private JsonLinesAuditSink(OutputStream out, boolean ownsStream) {
    this.out = out;
    this.ownsStream = ownsStream;
  }

  /** Appends to {@code file}, creating it (and its parent folders) if needed. */
  public static JsonLinesAuditSink toFile(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new JsonLinesAuditSink(
          Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open audit log " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes to {@code out}; closing the sink does not close the stream. */
  public static JsonLinesAuditSink toStream(OutputStream out) {
    return new JsonLinesAuditSink(Objects.requireNonNull(out, "out"), false);
  }

  /** The JSON text of one event (one line, no newline). */
  public static String toJson(AuditEvent event) {
    try {
      return MAPPER.writeValueAsString(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void record(AuditEvent event) {
    try {
      out.write((toJson(event) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write audit event: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    if (ownsStream) {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
