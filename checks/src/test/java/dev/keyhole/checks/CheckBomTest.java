package dev.keyhole.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The release layout the parent pom promises: every module that is published is pinned by the BOM
 * and describes itself; the modules that are never published say so.
 */
class CheckBomTest {
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern ARTIFACT =
      Pattern.compile("<artifactId>([^<]+)</artifactId>");

  private static Path root() {
    return Path.of(System.getProperty("keyhole.root", "..")).toAbsolutePath().normalize();
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  /** The module's own artifactId: the first one after its parent element. */
  private static String artifactId(String pom) {
    String afterParent = pom.contains("</parent>") ? pom.substring(pom.indexOf("</parent>")) : pom;
    Matcher m = ARTIFACT.matcher(afterParent);
    return m.find() ? m.group(1) : "?";
  }

  @Test
  void everyPublishedModule_isInTheBom_andHasNameAndDescription() throws IOException {
    String parent = read(root().resolve("pom.xml"));
    String bom = read(root().resolve("bom/pom.xml"));
    Set<String> pinned = new LinkedHashSet<>();
    Matcher a = ARTIFACT.matcher(bom.substring(bom.indexOf("<dependencyManagement>")));
    while (a.find()) {
      pinned.add(a.group(1));
    }
    List<String> problems = new ArrayList<>();
    List<String> published = new ArrayList<>();
    Matcher m = MODULE.matcher(parent);
    while (m.find()) {
      Path pomFile = root().resolve(m.group(1)).resolve("pom.xml");
      String pom = read(pomFile);
      String id = artifactId(pom);
      boolean skipped = pom.contains("<keyhole.publish.skip>true</keyhole.publish.skip>");
      if (!pom.contains("<name>") || !pom.contains("<description>")) {
        problems.add(m.group(1) + "/pom.xml needs a <name> and a <description> (Central requires them)");
      }
      if (skipped || id.equals("keyhole-bom")) {
        continue;
      }
      published.add(id);
      if (!pinned.contains(id)) {
        problems.add(id + " (" + m.group(1) + ") is published but bom/pom.xml does not pin it; add"
            + " <dependency><groupId>dev.keyhole</groupId><artifactId>" + id
            + "</artifactId><version>${project.version}</version></dependency>");
      }
    }
    assertThat(published).contains("keyhole-core");
    assertThat(problems).isEmpty();
  }

  @Test
  void samplesBenchmarksAndChecks_areNeverPublished() throws IOException {
    for (String module : List.of("samples", "benchmarks", "checks")) {
      assertThat(read(root().resolve(module).resolve("pom.xml")))
          .as(module + "/pom.xml")
          .contains("<keyhole.publish.skip>true</keyhole.publish.skip>");
    }
  }
}
