package dev.keyhole.cli.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.providers.Dotenv;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class EnvFilesProperties {
  /** Whatever a value holds, the quoted form reads back as exactly that value. */
  @Property
  void quote_roundTripsThroughCoreDotenv(@ForAll("values") String value) {
    String text = "K=" + EnvFiles.quote(value) + "\n";
    assertThat(Dotenv.parse(text).get("K")).isEqualTo(value);
  }

  /** The located value range always holds the written value, for every quoting style. */
  @Property
  void read_locatesEveryValue(@ForAll("values") String value, @ForAll("styles") int style) {
    String written = switch (style) {
      case 0 -> EnvFiles.quote(value);
      case 1 -> "'" + value.replace("'", "") + "'";
      default -> value.replaceAll("[\\s#\"'`\\\\]", "x");
    };
    String text = "# header\nexport A=1\nKEY = " + written + "  # trailing\nB=2\n";
    List<EnvFiles.Entry> entries = EnvFiles.read(text);
    EnvFiles.Entry e = entries.get(1);
    assertThat(e.key()).isEqualTo("KEY");
    assertThat(text.substring(e.rawStart(), e.rawEnd())).isEqualTo(written.strip());
    String rewritten = text.substring(0, e.rawStart()) + "op://V/I/KEY" + text.substring(e.rawEnd());
    assertThat(Dotenv.parse(rewritten)).containsEntry("KEY", "op://V/I/KEY")
        .containsEntry("A", "1").containsEntry("B", "2");
  }

  @Example
  void multiLineAndExportAndComments() {
    String text = "export API_TOKEN=\"line1\nline2\"\n# c\nPLAIN=abc # comment\nQ='a b'\n";
    List<EnvFiles.Entry> es = EnvFiles.read(text);
    assertThat(es).extracting(EnvFiles.Entry::key).containsExactly("API_TOKEN", "PLAIN", "Q");
    assertThat(es.get(0).value()).isEqualTo("line1\nline2");
    assertThat(text.substring(es.get(0).innerStart(), es.get(0).innerEnd())).isEqualTo("line1\nline2");
    assertThat(text.substring(es.get(1).rawStart(), es.get(1).rawEnd())).isEqualTo("abc");
    assertThat(es.get(2).value()).isEqualTo("a b");
  }

  @Example
  void denormalize_restoresCrlfAndBom() {
    String original = "\uFEFFA=1\r\nB=2\r\n";
    String n = EnvFiles.normalize(original);
    assertThat(n).isEqualTo("A=1\nB=2\n");
    assertThat(EnvFiles.denormalize(n, original)).isEqualTo(original);
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.strings().withCharRange(' ', '~').withChars('\n', '\t', 'é', '$', '\\', '"')
        .ofMinLength(1).ofMaxLength(60).filter(s -> !s.isBlank());
  }

  @Provide
  Arbitrary<Integer> styles() {
    return Arbitraries.integers().between(0, 2);
  }
}
