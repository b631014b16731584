package dev.keyhole.onepassword;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures everything written to System.err and System.out during a test (slf4j-simple writes to
 * System.err, looked up on every write), while still passing it through.
 */
final class LogCapture implements BeforeEachCallback, AfterEachCallback {
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private PrintStream originalOut;

  @Override
  public void beforeEach(ExtensionContext context) {
    buffer.reset();
    originalErr = System.err;
    originalOut = System.out;
    System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    System.setErr(originalErr);
    System.setOut(originalOut);
  }

  String text() {
    synchronized (buffer) {
      return buffer.toString(StandardCharsets.UTF_8);
    }
  }

  private final class Tee extends OutputStream {
    private final OutputStream passThrough;

    Tee(OutputStream passThrough) {
      this.passThrough = passThrough;
    }

    @Override
    public void write(int b) {
      synchronized (buffer) {
        buffer.write(b);
      }
      try {
        passThrough.write(b);
      } catch (java.io.IOException e) {
        // ignore
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (buffer) {
        buffer.write(b, off, len);
      }
      try {
        passThrough.write(b, off, len);
      } catch (java.io.IOException e) {
        // ignore
      }
    }
  }
}
