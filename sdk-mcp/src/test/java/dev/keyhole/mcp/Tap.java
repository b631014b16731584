package dev.keyhole.mcp;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code Tap IN_FILE OUT_FILE -- command...}: runs the command and copies this process's stdin to
 * it and its stdout to this process's stdout, recording both directions byte for byte. Sits between
 * an MCP client and a stdio server so that tests can read the transport both ways.
 */
public final class Tap {
  private Tap() {}

  public static void main(String[] args) throws Exception {
    List<String> command = Arrays.asList(args).subList(3, args.length);
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (OutputStream in = new FileOutputStream(args[0], true);
        OutputStream out = new FileOutputStream(args[1], true)) {
      Thread up = new Thread(() -> pump(System.in, p.getOutputStream(), in), "tap-in");
      up.setDaemon(true);
      up.start();
      pump(p.getInputStream(), System.out, out);
      int code = p.waitFor();
      System.exit(code);
    }
  }

  /** Copies {@code from} to {@code to}, recording every byte; closes {@code to} at the end. */
  static void pump(InputStream from, OutputStream to, OutputStream record) {
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = from.read(buf)) > 0) {
        synchronized (record) {
          record.write(buf, 0, n);
          record.flush();
        }
        to.write(buf, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      // the other side went away
    } finally {
      try {
        to.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }
}
