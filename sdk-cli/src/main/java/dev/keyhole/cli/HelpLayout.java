package dev.keyhole.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IHelpSectionRenderer;

/**
 * Usage help that is never cut inside a word. Picocli wraps with the JDK's line BreakIterator,
 * which breaks after '.', '/', ':' and '-' ({@code .env} became {@code .} + {@code env}, {@code
 * ~/.config} became {@code ~/.} + {@code config}). Here picocli renders each section unwrapped and
 * this class wraps it at spaces only, continuing a wrapped line under its text column.
 */
final class HelpLayout {
  /** Wide enough that picocli itself never wraps. */
  private static final int UNWRAPPED = 1000;
  /** A column gap: two or more spaces after text, within the first 40 characters. */
  private static final Pattern COLUMN = Pattern.compile("^(\\s*\\S.{0,38}?\\s{2,})\\S");

  private HelpLayout() {}

  /** Applies the layout to {@code cl} and its subcommands, wrapping at {@code width}. */
  static void install(CommandLine cl, int width) {
    cl.getCommandSpec().usageMessage().autoWidth(false).width(UNWRAPPED);
    Map<String, IHelpSectionRenderer> sections = cl.getHelpSectionMap();
    for (Map.Entry<String, IHelpSectionRenderer> e : sections.entrySet()) {
      IHelpSectionRenderer original = e.getValue();
      if (original instanceof Wrapped) {
        continue; // picocli shares section maps with subcommands: wrap each renderer once
      }
      if (e.getKey().equals(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS)) {
        // The synopsis follows its heading ("Usage: ") on the same line; continuation lines are
        // indented by the heading's length.
        e.setValue((Wrapped) help -> synopsis(original.render(help), width,
            help.synopsisHeadingLength()));
      } else {
        e.setValue((Wrapped) help -> wrap(original.render(help), width));
      }
    }
    cl.setHelpSectionMap(sections);
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (sub != cl) {
        install(sub, width);
      }
    }
  }

  /** The terminal width from {@code COLUMNS}, else 80; at least 60. */
  static int width(CliContext ctx) {
    String columns = ctx.env("COLUMNS");
    try {
      return columns == null ? 80 : Math.max(60, Integer.parseInt(columns.strip()));
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  /** Wraps every line of {@code text} longer than {@code width} at spaces. */
  static String wrap(String text, int width) {
    StringBuilder out = new StringBuilder();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        out.append('\n');
      }
      out.append(wrapLine(lines[i], width));
    }
    return out.toString();
  }

  /** A renderer this class already wrapped. */
  private interface Wrapped extends IHelpSectionRenderer {}

  /** The synopsis, placed after a heading of {@code heading} characters. */
  static String synopsis(String text, int width, int heading) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (out.length() > 0) {
        out.append('\n');
      }
      if (line.isBlank()) {
        out.append(line);
        continue;
      }
      String wrapped = wrapLine(" ".repeat(heading) + line, width, heading);
      out.append(out.length() == 0 ? wrapped.substring(heading) : wrapped);
    }
    return out.toString();
  }

  private static String wrapLine(String line, int width) {
    String body = line.stripTrailing();
    Matcher column = COLUMN.matcher(body);
    return wrapLine(line, width,
        column.find() ? column.end() - 1 : body.length() - body.stripLeading().length());
  }

  private static String wrapLine(String line, int width, int hangingIndent) {
    String body = line.stripTrailing();
    if (body.length() <= width) {
      return line;
    }
    int indent = hangingIndent;
    if (indent > width / 2) {
      indent = Math.min(8, indent);
    }
    int lead = body.length() - body.stripLeading().length();
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder(body.substring(0, Math.min(lead, indent)));
    boolean empty = true;
    // Trailing spaces end no word (what split(" ") did, without its surprises).
    for (String word : body.substring(Math.min(lead, indent)).replaceFirst(" +$", "").split(" ", -1)) {
      if (word.isEmpty()) {
        if (!empty) {
          current.append(' ');
        }
        continue;
      }
      if (!empty && current.length() + 1 + word.length() > width) {
        out.add(current.toString().stripTrailing());
        current = new StringBuilder(" ".repeat(indent));
        empty = true;
      }
      if (!empty && current.charAt(current.length() - 1) != ' ') {
        current.append(' ');
      }
      current.append(word);
      empty = false;
    }
    out.add(current.toString().stripTrailing());
    return String.join("\n", out);
  }
}
