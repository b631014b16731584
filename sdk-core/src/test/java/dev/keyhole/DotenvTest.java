package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.providers.Dotenv;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DotenvTest {
  @Test
  void parsesCommonDotenvSyntax() {
    String text = """
        # comment
        PLAIN=value
        export EXPORTED=abc
        SPACED =  trimmed value   # trailing comment
        HASH_IN_VALUE=abc#def
        SINGLE='literal \\n $HOME # not a comment'
        DOUBLE="line1\\nline2 \\"q\\" \\\\ \\$x"
        MULTI="first
        second"
        BACKTICK=`raw 'quotes' "too"`
        EMPTY=
        DOTTED.KEY-1=ok\r
        """;
    Map<String, String> m = Dotenv.parse(text);
    assertThat(m).containsEntry("PLAIN", "value")
        .containsEntry("EXPORTED", "abc")
        .containsEntry("SPACED", "trimmed value")
        .containsEntry("HASH_IN_VALUE", "abc#def")
        .containsEntry("SINGLE", "literal \\n $HOME # not a comment")
        .containsEntry("DOUBLE", "line1\nline2 \"q\" \\ $x")
        .containsEntry("MULTI", "first\nsecond")
        .containsEntry("BACKTICK", "raw 'quotes' \"too\"")
        .containsEntry("EMPTY", "")
        .containsEntry("DOTTED.KEY-1", "ok");
  }

  @Test
  void entries_carryPositions() {
    var entries = Dotenv.entries("A=1\n\n  export B=\"x\"\n");
    assertThat(entries).extracting(Dotenv.Entry::line).containsExactly(1, 3);
    assertThat(entries.get(1).column()).isEqualTo(10);
    assertThat(entries.get(1).quoted()).isTrue();
  }

  @Test
  void errors_giveLineNumbers_notContent() {
    String secret = TestSupport.randomSecret();
    assertThatThrownBy(() -> Dotenv.parse("A=1\nB=\"" + secret + "\n"))
        .hasMessageContaining("line 2").hasMessageNotContaining(secret);
    assertThatThrownBy(() -> Dotenv.parse("just text " + secret))
        .hasMessageContaining("line 1").hasMessageNotContaining(secret);
    assertThatThrownBy(() -> Dotenv.parse("A=\"x\" " + secret))
        .hasMessageContaining("after the closing quote").hasMessageNotContaining(secret);
  }
}
