package dev.keyhole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Usage help wraps at spaces only: no word (.env, ~/.config, op://...) is cut across lines. */
class HelpLayoutTest {
  private static String help(int columns, String... args) {
    StringWriter out = new StringWriter();
    CliContext ctx = CliContext.of(Map.of("COLUMNS", Integer.toString(columns)), Clock.systemUTC(),
        Path.of(""), new PrintWriter(out), new PrintWriter(new StringWriter()));
    KeyholeCli.run(ctx, args);
    return out.toString();
  }

  private static List<String> words(String text) {
    return Arrays.stream(text.split("\\s+")).filter(w -> !w.isEmpty()).toList();
  }

  @ParameterizedTest
  @ValueSource(ints = {60, 72, 80, 100})
  void everyWordOfTheUnwrappedHelp_survivesWrapping(int columns) {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"migrate", "--help"},
        new String[] {"scan", "--help"})) {
      String wrapped = help(columns, args);
      String unwrapped = help(1000, args);
      assertThat(words(wrapped)).as(String.join(" ", args) + " at " + columns + " columns")
          .isEqualTo(words(unwrapped));
      for (String line : wrapped.lines().toList()) {
        if (line.length() > columns) {
          assertThat(line.strip()).as("only a single word may exceed the width").doesNotContain(" ");
        }
      }
    }
  }
}
