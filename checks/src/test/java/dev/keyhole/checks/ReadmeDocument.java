package dev.keyhole.checks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** README.md as sections ({@code ##} headings) with their fenced code blocks. */
final class ReadmeDocument {
  /** A fenced block: its language, info words, the line of its fence (1-based) and its text. */
  record Block(String section, String language, String info, int line, String text) {
    String where() {
      return "README.md:" + line + " (section \"" + section + "\")";
    }
  }

  private final List<Block> blocks;

  private ReadmeDocument(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  static Path file() {
    return Path.of(Objects.requireNonNull(System.getProperty("readme.file"),
        "system property readme.file (set by checks/pom.xml)"));
  }

  static ReadmeDocument load() throws IOException {
    List<String> lines = Files.readAllLines(file(), StandardCharsets.UTF_8);
    List<Block> blocks = new ArrayList<>();
    String section = "";
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("## ")) {
        section = l.substring(3).strip();
        continue;
      }
      if (!l.startsWith("```") || l.strip().equals("```")) {
        continue;
      }
      String[] words = l.substring(3).strip().split("\\s+", 2);
      int start = i;
      StringBuilder text = new StringBuilder();
      for (i = i + 1; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
        text.append(lines.get(i)).append('\n');
      }
      blocks.add(new Block(section, words[0].toLowerCase(Locale.ROOT),
          words.length > 1 ? words[1] : "", start + 1, text.toString()));
    }
    return new ReadmeDocument(blocks);
  }

  List<Block> blocks() {
    return blocks;
  }

  List<Block> blocks(String language) {
    return blocks.stream().filter(b -> b.language().equals(language)).toList();
  }

  List<Block> inSection(String section) {
    return blocks.stream().filter(b -> b.section().equals(section)).toList();
  }
}
