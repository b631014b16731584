package dev.keyhole.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README snippet check itself: the generator the build runs (checks/src/generator) turns a
 * drifting snippet into a compile error at the README's line, refuses to skip a block, and every
 * {@code java} block of README.md was compiled into this module's test classes.
 */
class ReadmeSnippetsTest {
  private static final String PACKAGE = "dev.keyhole.checks.readme";

  private static Path root() {
    return Path.of(Objects.requireNonNull(System.getProperty("keyhole.root"),
        "system property keyhole.root (set by checks/pom.xml)"));
  }

  /** Runs the generator as the build does; returns its exit code and output. */
  private static Generated generate(Path markdown, Path out) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(),
        root().resolve("checks/src/generator/ReadmeSnippets.java").toString(),
        markdown.toString(), out.toString(), PACKAGE,
        root().resolve("checks/snippet-imports.txt").toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("generator finished").isTrue();
    return new Generated(p.exitValue(), output);
  }

  private record Generated(int exitCode, String output) {}

  /** Compiles the generated files against this module's test class path; returns the errors. */
  private static List<Diagnostic<? extends JavaFileObject>> compile(Path sources, Path classes)
      throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<Path> files;
    try (Stream<Path> s = Files.walk(sources)) {
      files = s.filter(f -> f.toString().endsWith(".java")).toList();
    }
    assertThat(files).as("generated sources").isNotEmpty();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      List<String> options = List.of("-proc:none", "-parameters", "-d", classes.toString(),
          "-cp", System.getProperty("java.class.path"));
      javac.getTask(new StringWriter(), fm, diagnostics, options, null,
          fm.getJavaFileObjectsFromPaths(files)).call();
    }
    List<Diagnostic<? extends JavaFileObject>> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors.add(d);
      }
    }
    return errors;
  }

  private static Path markdown(Path dir, String text) throws IOException {
    Path md = dir.resolve("README.md");
    Files.writeString(md, text, StandardCharsets.UTF_8);
    return md;
  }

  @Test
  void snippetThatMatchesTheApi_compiles(@TempDir Path dir) throws Exception {
    Path md = markdown(dir, """
        # Title

        ```java
        Keyhole k = Keyhole.builder().provider(EnvProvider.create()).build();
        ```
        """);
    Generated g = generate(md, dir.resolve("src"));
    assertThat(g.exitCode()).as(g.output()).isZero();

    assertThat(compile(dir.resolve("src"), Files.createDirectories(dir.resolve("classes")))).isEmpty();
  }

  @Test
  void snippetThatDriftedFromTheApi_failsToCompile_atItsReadmeLine(@TempDir Path dir) throws Exception {
    Path md = markdown(dir, """
        # Title

        Some text.

        ```java
        Keyhole k = Keyhole.builder()
            .noSuchSetting(true)
            .build();
        ```
        """);
    Generated g = generate(md, dir.resolve("src"));
    assertThat(g.exitCode()).as(g.output()).isZero();

    List<Diagnostic<? extends JavaFileObject>> errors =
        compile(dir.resolve("src"), Files.createDirectories(dir.resolve("classes")));

    assertThat(errors).hasSize(1);
    Diagnostic<? extends JavaFileObject> e = errors.get(0);
    assertThat(e.getSource().getName()).endsWith("README_md_line_5.java");
    assertThat(e.getLineNumber()).as("README.md line of '.noSuchSetting'").isEqualTo(7);
    assertThat(e.getMessage(Locale.ROOT)).contains("noSuchSetting");
  }

  @Test
  void blockMarkedToBeSkipped_stopsTheGenerator(@TempDir Path dir) throws Exception {
    Path md = markdown(dir, """
        ```java partial
        Assistant a = somethingTheChecksDoNotHave();
        ```
        """);

    Generated g = generate(md, dir.resolve("src"));

    assertThat(g.exitCode()).isNotZero();
    assertThat(g.output()).contains("README.md:1", "there is no opt-out");
  }

  @Test
  void everyJavaBlockOfTheReadme_wasCompiledIntoThisModule() throws Exception {
    List<String> missing = new ArrayList<>();
    List<ReadmeDocument.Block> blocks = ReadmeDocument.load().blocks("java");
    for (ReadmeDocument.Block b : blocks) {
      try {
        Class.forName(PACKAGE + ".README_md_line_" + b.line());
      } catch (ClassNotFoundException e) {
        missing.add(b.where());
      }
    }
    assertThat(blocks).as("java blocks in README.md").hasSizeGreaterThanOrEqualTo(8);
    assertThat(missing).as("README java blocks without a compiled class").isEmpty();
  }
}
