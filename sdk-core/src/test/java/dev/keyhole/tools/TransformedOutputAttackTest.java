package dev.keyhole.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.Grant;
import dev.keyhole.TaskScope;
import dev.keyhole.testing.Base32;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An allowed program that transforms the value before printing it: the real tools (rev, base32,
 * xxd, od, hexdump, base64, fold, sed) run through {@link ProcessTool}, and no run of the encoded
 * value may survive in what comes back, whatever line breaks or separators the tool put into it.
 */
class TransformedOutputAttackTest {
  @TempDir Path work;

  private Fixture fx;
  private TaskScope task;
  private String value;

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    // Long enough that every tool below wraps or splits its output.
    value = Fixture.randomValue(62);
    fx.values.put("token", value);
    fx.provider.put("token", value);
    task = fx.open(Grant.builder("token").ref("memory:token").tools("run_process")
        .commands("print.sh").env("TOKEN", "token").build());
  }

  @AfterEach
  void tearDown() {
    fx.assertAuditClean();
    fx.close();
  }

  private String run(String pipeline) throws IOException {
    Path p = work.resolve("print.sh");
    Files.writeString(p, "#!/bin/sh\nprintf '%s' \"$TOKEN\" | " + pipeline + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    String out = ProcessTool.builder(work).commands("print.sh").build().call(task,
        "{\"argv\": [\"./print.sh\"], \"env\": {\"TOKEN\": \"secret://token\"}}");
    assertThat(out).contains("exit code: 0");
    return out;
  }

  private byte[] bytes() {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * No 12-character run of {@code encoded} survives in {@code out}, once the separators a tool
   * inserts (whitespace, colons, commas) are taken out; and the handle token is there instead.
   */
  private static void assertNoRun(String out, String encoded) {
    String joined = out.replaceAll("[\\s:,]", "");
    String form = encoded.replaceAll("[\\s:,]", "");
    for (int i = 0; i + 12 <= form.length(); i++) {
      String run = form.substring(i, i + 12);
      assertThat(joined.contains(run)).as("a 12-character run at %d of the encoded value survived",
          i).isFalse();
    }
    assertThat(out).contains("secret://token");
  }

  @Test
  void reversed_byRev() throws IOException {
    assertNoRun(run("rev"), new StringBuilder(value).reverse().toString());
  }

  @Test
  void base32_wrappedAt76() throws IOException {
    String out = run("base32");
    assertNoRun(out, Base32.encode(bytes()));
    assertNoRun(out.toLowerCase(Locale.ROOT), Base32.encode(bytes()).toLowerCase(Locale.ROOT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"xxd -p", "od -An -tx1 -v", "hexdump -ve '1/1 \"%.2x:\"'",
      "xxd -p -c 5 | sed 's/../& /g'"})
  void hex_splitBySpacesColonsOrNewlines(String pipeline) throws IOException {
    assertNoRun(run(pipeline), HexFormat.of().formatHex(bytes()));
  }

  @Test
  void hex_withBackslashXPrefixes() throws IOException {
    String hex = HexFormat.of().formatHex(bytes());
    assertNoRun(run("od -An -tx1 -v | tr -d '\\n' | sed 's/ /\\\\x/g'"),
        hex.replaceAll("(..)", "\\\\x$1"));
  }

  @Test
  void hex_withZeroXPrefixes_asACArray() throws IOException {
    assertNoRun(run("xxd -i"), HexFormat.of().formatHex(bytes()).replaceAll("(..)", "0x$1,"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base64", "base64 -w 64", "base64 -w 13", "base64 -w 1",
      "base64 | sed 's/$/\\r/'"})
  void base64_wrappedAtAnyWidth(String pipeline) throws IOException {
    assertNoRun(run(pipeline), Base64.getEncoder().encodeToString(bytes()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sed 's/./& /g'", "fold -w1"})
  void raw_interleavedWithSpacesOrOneCharacterPerLine(String pipeline) throws IOException {
    assertNoRun(run(pipeline), value);
  }

  @Test
  void base64_ofBase64() throws IOException {
    String once = Base64.getEncoder().encodeToString(bytes());
    assertNoRun(run("base64 -w0 | base64"),
        Base64.getEncoder().encodeToString(once.getBytes(StandardCharsets.US_ASCII)));
  }
}
