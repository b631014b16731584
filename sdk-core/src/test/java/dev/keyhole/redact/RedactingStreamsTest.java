package dev.keyhole.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.RedactionEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class RedactingStreamsTest {
  private final String secret = "Ünï-" + Fakes.mixed(20) + "-東京";
  private final RedactionEngine engine =
      RedactionEngines.create(Clock.systemUTC(), RedactionOptions.defaults());
  private final String input;
  private final String expected;

  RedactingStreamsTest() {
    engine.register(SecretValue.ofString(secret), SecretHandle.of("tok"));
    StringBuilder sb = new StringBuilder();
    StringBuilder ex = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      sb.append("line ").append(i).append(i % 97 == 0 ? secret : "").append('\n');
      ex.append("line ").append(i).append(i % 97 == 0 ? "secret://tok" : "").append('\n');
    }
    input = sb.toString();
    expected = ex.toString();
  }

  @Test
  void writer_redactsAcrossAnyWriteSize() throws Exception {
    for (int step : new int[] {1, 3, 64, 10_000}) {
      StringWriter sink = new StringWriter();
      try (Writer w = RedactingStreams.writer(sink, engine)) {
        for (int i = 0; i < input.length(); i += step) {
          w.write(input, i, Math.min(step, input.length() - i));
        }
        w.flush();
        assertThat(sink.toString()).doesNotContain(secret);
        assertThat(input).startsWith(sink.toString().substring(0, 5));
      }
      assertThat(sink.toString()).isEqualTo(expected);
    }
  }

  @Test
  void reader_redacts() throws Exception {
    StringWriter out = new StringWriter();
    try (Reader r = RedactingStreams.reader(new StringReader(input), engine)) {
      char[] buf = new char[5];
      for (int n; (n = r.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
    }
    assertThat(out.toString()).isEqualTo(expected);
  }

  @Test
  void byteStreams_redactUtf8SplitInsideCharacters() throws Exception {
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream o = RedactingStreams.outputStream(sink, StandardCharsets.UTF_8, engine)) {
      for (byte b : bytes) {
        o.write(b);
      }
    }
    assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo(expected);

    try (InputStream in = RedactingStreams.inputStream(new ByteArrayInputStream(bytes),
        StandardCharsets.UTF_8, engine)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(expected);
    }
  }
}
