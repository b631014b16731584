package dev.keyhole.langchain4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The slf4j-simple log of this test JVM (the module's surefire configuration sends it to a file at
 * DEBUG level), so tests can assert that no value was logged by LangChain4j, WireMock or Keyhole.
 */
final class TestLog {
  private TestLog() {}

  /** The log text so far, or empty when the tests run without the surefire setting. */
  static String text() {
    String file = System.getProperty("org.slf4j.simpleLogger.logFile");
    if (file == null || file.equals("System.err") || file.equals("System.out")) {
      return "";
    }
    try {
      Path p = Path.of(file);
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
