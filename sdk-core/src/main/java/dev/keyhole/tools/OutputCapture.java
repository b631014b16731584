package dev.keyhole.tools;

import dev.keyhole.Redactor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Drains one process stream: decodes UTF-8 chunk by chunk (a multi-byte character split across
 * reads is kept for the next one), passes the text through a streaming redactor (a value split across
 * chunks is still caught), and keeps at most {@code maxChars} of the redacted text, counting the
 * rest. Runs on its own thread; the stream is always read to the end so the process never blocks on
 * a full pipe.
 */
final class OutputCapture implements Runnable {
  private final InputStream in;
  private final Redactor.StreamingRedactor redactor;
  private final int maxChars;
  private final int chunkBytes;
  private final StringBuilder kept = new StringBuilder();
  private long dropped;
  private volatile boolean done;

  OutputCapture(InputStream in, Redactor redactor, int maxChars, int chunkBytes) {
    this.in = in;
    this.redactor = redactor.streaming();
    this.maxChars = maxChars;
    this.chunkBytes = chunkBytes;
  }

  @Override
  public void run() {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    byte[] buf = new byte[chunkBytes];
    ByteBuffer bytes = ByteBuffer.allocate(chunkBytes + 8);
    CharBuffer chars = CharBuffer.allocate(chunkBytes + 8);
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        int off = 0;
        while (off < n) {
          int take = Math.min(n - off, bytes.remaining());
          bytes.put(buf, off, take);
          off += take;
          bytes.flip();
          decoder.decode(bytes, chars, false);
          bytes.compact();
          emitChars(chars);
        }
      }
    } catch (IOException e) {
      // The stream closed under us (the process was killed): keep what was read.
    } finally {
      bytes.flip();
      decoder.decode(bytes, chars, true);
      decoder.flush(chars);
      emitChars(chars);
      synchronized (this) {
        emit(redactor.finish());
        done = true;
        notifyAll();
      }
      java.util.Arrays.fill(buf, (byte) 0);
    }
  }

  private void emitChars(CharBuffer chars) {
    chars.flip();
    if (chars.hasRemaining()) {
      String s = chars.toString();
      synchronized (this) {
        emit(redactor.write(s));
      }
    }
    chars.clear();
  }

  private void emit(String redacted) {
    int room = maxChars - kept.length();
    if (redacted.length() <= room) {
      kept.append(redacted);
    } else {
      if (room > 0) {
        kept.append(redacted, 0, room);
      }
      dropped += redacted.length() - Math.max(room, 0);
    }
  }

  /** Waits up to {@code millis} for the stream to end; returns whether it did. */
  synchronized boolean await(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (!done) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }

  /** The redacted text kept so far (complete once {@link #await} returned true). */
  synchronized String text() {
    return kept.toString();
  }

  /** How many redacted characters did not fit. */
  synchronized long dropped() {
    return dropped;
  }
}
