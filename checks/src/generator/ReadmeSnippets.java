import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns every fenced {@code ```java} block of a Markdown file into a Java source file, so that the
 * build compiles the README's examples and a README that drifts from the API fails the build.
 *
 * <p>Run by checks/pom.xml (generate-test-sources) as a single-file program:
 * {@code java ReadmeSnippets.java README.md OUT_DIR PACKAGE IMPORTS_FILE}.
 *
 * <p>Each block becomes the body of {@code void snippet() throws Exception} in a class that extends
 * {@code ReadmeContext} (checks/src/test/java), which declares the names snippets use without
 * declaring them ({@code modelArgumentsJson}, {@code openAiModel}, ...). Local classes, records and
 * interfaces are fine inside a block; {@code import} lines are moved to the top of the file. Line N
 * of a generated file is line N of the Markdown file, so a compiler error's line number is the
 * README's, and the file name says which block it is: {@code README_md_line_93.java:[97,5]} is an
 * error on README.md line 97 in the block whose fence is on line 93.
 *
 * <p>Every {@code java} block is compiled; there is no opt-out. A block that needs a type or a name
 * the reader would bring (their AI service interface, their client library) gets it from
 * {@code ReadmeContext}. A block whose info string says more than {@code java} (the old
 * {@code ```java partial}) stops the generator with an error that says so.
 */
public final class ReadmeSnippets {
  private static final Pattern FENCE =
      Pattern.compile("^( {0,3})(`{3,}|~{3,})[ \\t]*([^`\\s]*)[ \\t]*(.*)$");
  private static final Pattern IMPORT =
      Pattern.compile("^\\s*import\\s+(static\\s+)?[\\w.]+(\\.\\*)?\\s*;\\s*$");

  private ReadmeSnippets() {}

  record Block(int fenceLine, String heading, List<String> lines) {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      fail("usage: java ReadmeSnippets.java MARKDOWN OUT_DIR PACKAGE IMPORTS_FILE");
    }
    Path markdown = Path.of(args[0]);
    Path out = Path.of(args[1]);
    String pkg = args[2];
    Path importsFile = Path.of(args[3]);
    if (!Files.isRegularFile(markdown)) {
      fail(markdown + " does not exist");
    }
    List<String> lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
    List<Block> blocks = blocks(markdown, lines);
    List<String> defaultImports = new ArrayList<>();
    for (String l : Files.readAllLines(importsFile, StandardCharsets.UTF_8)) {
      String t = l.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        defaultImports.add(t);
      }
    }

    Path dir = out.resolve(pkg.replace('.', '/'));
    Files.createDirectories(dir);
    try (Stream<Path> old = Files.list(dir)) {
      for (Path p : old.filter(p -> p.getFileName().toString().startsWith("README_")).toList()) {
        Files.delete(p);
      }
    }
    String name = markdown.getFileName().toString().replaceAll("[^A-Za-z0-9]", "_");
    int compiled = 0;
    for (Block b : blocks) {
      String cls = name + "_line_" + b.fenceLine();
      Files.writeString(dir.resolve(cls + ".java"), source(pkg, cls, markdown, b, defaultImports),
          StandardCharsets.UTF_8);
      compiled++;
    }
    if (compiled == 0) {
      fail(markdown + " has no ```java block to compile; is this the right file?");
    }
    System.out.println("[readme-snippets] " + markdown + ": " + compiled + " java block(s) written to "
        + dir);
  }

  static List<Block> blocks(Path markdown, List<String> lines) {
    List<Block> blocks = new ArrayList<>();
    String heading = "";
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("#")) {
        heading = line.replaceFirst("^#+\\s*", "").strip();
        continue;
      }
      Matcher open = FENCE.matcher(line);
      if (!open.matches()) {
        continue;
      }
      String fence = open.group(2);
      String lang = open.group(3).toLowerCase(Locale.ROOT);
      int start = i;
      List<String> body = new ArrayList<>();
      boolean closed = false;
      for (i = i + 1; i < lines.size(); i++) {
        String l = lines.get(i);
        if (l.strip().startsWith(fence.substring(0, 3)) && l.strip().chars().allMatch(c -> c == fence.charAt(0))
            && l.strip().length() >= fence.length()) {
          closed = true;
          break;
        }
        body.add(l);
      }
      if (!closed) {
        fail(markdown + ":" + (start + 1) + ": the code block opened here is never closed");
      }
      if (lang.equals("java")) {
        if (body.stream().allMatch(String::isBlank)) {
          fail(markdown + ":" + (start + 1) + ": empty ```java block");
        }
        if (!open.group(4).isBlank()) {
          fail(markdown + ":" + (start + 1) + ": ```java block with info '" + open.group(4).strip()
              + "': every java block is compiled, there is no opt-out; declare what the snippet"
              + " needs from the reader's application in checks' ReadmeContext instead");
        }
        blocks.add(new Block(start + 1, heading, body));
      }
    }
    return blocks;
  }

  /** The block as a class whose line N is line N of the Markdown file. */
  static String source(String pkg, String cls, Path markdown, Block b, List<String> defaultImports) {
    Set<String> imports = new LinkedHashSet<>();
    for (String i : defaultImports) {
      imports.add("import " + i + ";");
    }
    List<String> body = new ArrayList<>();
    for (String l : b.lines()) {
      if (IMPORT.matcher(l).matches()) {
        imports.add(l.strip());
        body.add("");
      } else {
        body.add(l);
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("package ").append(pkg).append("; ").append(String.join(" ", imports))
        .append(" /* GENERATED from ").append(markdown.getFileName()).append(" line ")
        .append(b.fenceLine()).append(" (section \"").append(b.heading().replace("*/", ""))
        .append("\") by checks/src/generator/ReadmeSnippets.java. Line numbers in this file are ")
        .append(markdown.getFileName()).append("'s: fix the README, not this file. */ ")
        .append("@SuppressWarnings({\"all\", \"try\"}) final class ").append(cls)
        .append(" extends ReadmeContext { void snippet() throws Exception {\n");
    // The fence is on line fenceLine; the body starts on the next line.
    for (int line = 2; line <= b.fenceLine(); line++) {
      sb.append('\n');
    }
    for (String l : body) {
      sb.append(l).append('\n');
    }
    sb.append("}}\n");
    return sb.toString();
  }

  private static void fail(String message) {
    System.err.println("[readme-snippets] ERROR: " + message);
    System.exit(1);
  }
}
