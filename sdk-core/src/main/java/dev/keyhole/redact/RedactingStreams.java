package dev.keyhole.redact;

import dev.keyhole.Redactor;
import dev.keyhole.Redactor.StreamingRedactor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.Objects;

/**
 * Redacting wrappers for {@link Reader}, {@link Writer}, {@link InputStream} and {@link
 * OutputStream}, built on {@link Redactor#streaming()}.
 *
 * <p>Each wrapper holds back only the tail that could still be the start of a secret, so a value
 * split across any write or read boundary is caught; {@code flush()} passes on everything that is
 * already safe, and {@code close()} (or the end of input) releases the rest, redacted. Byte streams
 * decode and re-encode text with the given charset; malformed input bytes are replaced, so use them
 * for text (process output, logs, HTTP bodies), not for binary data. Wrappers are not thread-safe.
 *
 * <p>Security: text is written to the wrapped sink only after redaction; the held-back tail is
 * kept in memory and cleared as it is released.
 */
public final class RedactingStreams {
  private static final int CHUNK = 8192;

  private RedactingStreams() {}

  /** A writer that writes the redacted text of everything written to it to {@code out}. */
  public static Writer writer(Writer out, Redactor redactor) {
    return new RedactingWriter(Objects.requireNonNull(out, "out"), redactor.streaming());
  }

  /** A reader that returns the redacted text of {@code in}. */
  public static Reader reader(Reader in, Redactor redactor) {
    return new RedactingReader(Objects.requireNonNull(in, "in"), redactor.streaming());
  }

  /** An output stream that decodes bytes with {@code charset}, redacts, and re-encodes to {@code out}. */
  public static OutputStream outputStream(OutputStream out, Charset charset, Redactor redactor) {
    Writer w = writer(new OutputStreamWriter(Objects.requireNonNull(out, "out"), charset), redactor);
    return new DecodingOutputStream(w, charset);
  }

  /** An input stream of the redacted text of {@code in}, both in {@code charset}. */
  public static InputStream inputStream(InputStream in, Charset charset, Redactor redactor) {
    Reader r = reader(new InputStreamReader(Objects.requireNonNull(in, "in"), charset), redactor);
    return new EncodingInputStream(r, charset);
  }

  private static final class RedactingWriter extends Writer {
    private final Writer out;
    private final StreamingRedactor redactor;
    private boolean closed;

    RedactingWriter(Writer out, StreamingRedactor redactor) {
      this.out = out;
      this.redactor = redactor;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
      ensureOpen();
      out.write(redactor.write(CharBuffer.wrap(cbuf, off, len)));
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
      ensureOpen();
      out.write(redactor.write(str.subSequence(off, off + len)));
    }

    @Override
    public void flush() throws IOException {
      ensureOpen();
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        try {
          out.write(redactor.finish());
        } finally {
          out.close();
        }
      }
    }

    private void ensureOpen() throws IOException {
      if (closed) {
        throw new IOException("Stream closed");
      }
    }
  }

  private static final class RedactingReader extends Reader {
    private final Reader in;
    private final StreamingRedactor redactor;
    private final char[] chunk = new char[CHUNK];
    private String ready = "";
    private int pos;
    private boolean eof;
    private boolean closed;

    RedactingReader(Reader in, StreamingRedactor redactor) {
      this.in = in;
      this.redactor = redactor;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, cbuf.length);
      if (closed) {
        throw new IOException("Stream closed");
      }
      if (len == 0) {
        return 0;
      }
      while (pos == ready.length()) {
        if (eof) {
          return -1;
        }
        int n = in.read(chunk, 0, chunk.length);
        if (n < 0) {
          eof = true;
          ready = redactor.finish();
        } else {
          ready = redactor.write(CharBuffer.wrap(chunk, 0, n));
          java.util.Arrays.fill(chunk, 0, n, '\0');
        }
        pos = 0;
      }
      int n = Math.min(len, ready.length() - pos);
      ready.getChars(pos, pos + n, cbuf, off);
      pos += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      closed = true;
      ready = "";
      in.close();
    }
  }

  private static final class DecodingOutputStream extends OutputStream {
    private final Writer out;
    private final CharsetDecoder decoder;
    private final ByteBuffer pendingBytes = ByteBuffer.allocate(CHUNK);
    private final CharBuffer chars = CharBuffer.allocate(CHUNK);

    DecodingOutputStream(Writer out, Charset charset) {
      this.out = out;
      this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      int done = 0;
      while (done < len) {
        int n = Math.min(len - done, pendingBytes.remaining());
        pendingBytes.put(b, off + done, n);
        done += n;
        decode(false);
      }
    }

    private void decode(boolean endOfInput) throws IOException {
      pendingBytes.flip();
      while (true) {
        var result = decoder.decode(pendingBytes, chars, endOfInput);
        drainChars();
        if (!result.isOverflow()) {
          break;
        }
      }
      if (endOfInput) {
        decoder.flush(chars);
        drainChars();
      }
      pendingBytes.compact();
    }

    private void drainChars() throws IOException {
      chars.flip();
      if (chars.hasRemaining()) {
        out.write(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining());
      }
      chars.clear();
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      decode(true);
      out.close();
    }
  }

  private static final class EncodingInputStream extends InputStream {
    private final Reader in;
    private final Charset charset;
    private final char[] chunk = new char[CHUNK];
    private ByteBuffer ready = ByteBuffer.allocate(0);
    private boolean eof;

    EncodingInputStream(Reader in, Charset charset) {
      this.in = in;
      this.charset = charset;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      while (!ready.hasRemaining()) {
        if (eof) {
          return -1;
        }
        // The reader releases whole characters (surrogate pairs stay together unless the input
        // itself splits one), so encoding each batch on its own is exact.
        int n = in.read(chunk, 0, chunk.length - 1);
        if (n < 0) {
          eof = true;
          continue;
        }
        int end = n;
        if (Character.isHighSurrogate(chunk[n - 1])) {
          int next = in.read(chunk, n, 1);
          end = next < 0 ? n : n + 1;
        }
        ready = charset.encode(CharBuffer.wrap(chunk, 0, end));
      }
      int n = Math.min(len, ready.remaining());
      ready.get(b, off, n);
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
