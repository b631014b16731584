package dev.keyhole.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.keyhole.ConfigurationException;
import dev.keyhole.ProtectedFile;
import dev.keyhole.internal.redact.ValueQuality;
import dev.keyhole.providers.Dotenv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the secret values of the policy's protected files ({@code protect:}) under a tool root, so
 * that the broker can register them with the redactor for the life of a task. Values are never
 * granted, logged or put in an exception message.
 */
final class ProtectedFiles {
  /** Larger files are refused (a protected file is configuration, not data). */
  static final long MAX_FILE_BYTES = 1 << 20;

  /** A dotenv variable whose name says it holds a secret. */
  private static final Pattern SECRET_NAME = Pattern.compile(
      "(?i)(pass|pwd|secret|token|key|cred|auth|private|signature|salt|cookie|session|dsn|cert)");
  private static final Pattern PEM_BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \\1-----", Pattern.DOTALL);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ProtectedFiles() {}

  /**
   * The distinct secret values of every file the rules match under {@code root}.
   *
   * @throws ConfigurationException if a matched file cannot be read or parsed (fail closed)
   */
  static Set<String> values(Path root, List<ProtectedFile> rules) {
    Set<String> out = new LinkedHashSet<>();
    for (ProtectedFile rule : rules) {
      for (Path file : matches(root, rule.path())) {
        String text = read(root, file);
        String where = root.relativize(file).toString();
        switch (rule.format()) {
          case DOTENV -> dotenv(text, rule.keys(), where, out);
          case PEM -> {
            Matcher m = PEM_BLOCK.matcher(text);
            while (m.find()) {
              out.add(m.group());
            }
          }
          case YAML -> yaml(text, rule.keys(), where, out);
        }
      }
    }
    out.removeIf(ProtectedFiles::tooWeak);
    return out;
  }

  /** Values the redactor cannot match without rewriting ordinary text are left out. */
  private static boolean tooWeak(String v) {
    return v.length() < 8 || ValueQuality.isLowEntropy(v);
  }

  private static List<Path> matches(Path root, String glob) {
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    int depth = glob.contains("**") ? 32 : glob.split("/").length;
    if (!Files.isDirectory(root)) {
      throw new ConfigurationException("The tool root " + root + " is not a directory; the"
          + " policy's protect: paths are read relative to it. Give an existing directory to"
          + " Keyhole.builder().workspace(...) or TaskOptions.builder().root(...)");
    }
    try (Stream<Path> files = Files.walk(root, depth)) {
      return files.filter(p -> m.matches(root.relativize(p)) && Files.isRegularFile(p)).sorted()
          .toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ConfigurationException("Cannot list the files of protect: '" + glob + "' under "
          + root + " (" + e.getClass().getSimpleName() + "); fix the permissions or the rule");
    }
  }

  private static String read(Path root, Path file) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ConfigurationException("Protected file " + root.relativize(file) + " is larger"
            + " than " + MAX_FILE_BYTES + " bytes; protect configuration files only");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigurationException("Cannot read protected file " + root.relativize(file) + " ("
          + e.getClass().getSimpleName() + "); a task does not open while a protected file cannot"
          + " be read. Fix its permissions or remove it from protect:");
    }
  }

  private static void dotenv(String text, List<String> keys, String where, Set<String> out) {
    List<Dotenv.Entry> entries;
    try {
      entries = Dotenv.entries(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("Protected file " + where + " is not a valid .env file;"
          + " fix its syntax or remove it from protect:");
    }
    for (Dotenv.Entry e : entries) {
      if (keys.isEmpty() ? looksSecret(e.key(), e.value()) : keys.contains(e.key())) {
        out.add(e.value());
      }
    }
  }

  /**
   * A dotenv value is protected when its name says so ({@code *_TOKEN}, {@code DB_PASSWORD}, ...)
   * or when it looks random (16 or more characters, 3 bits of entropy per character, no spaces, not
   * a plain URL). Settings such as {@code NODE_ENV=production} stay readable.
   */
  private static boolean looksSecret(String key, String value) {
    if (SECRET_NAME.matcher(key).find()) {
      return true;
    }
    String v = value.strip();
    String lower = v.toLowerCase(Locale.ROOT);
    boolean plainUrl = (lower.startsWith("http://") || lower.startsWith("https://"))
        && v.indexOf('@') < 0;
    return v.length() >= 16 && v.indexOf(' ') < 0 && !plainUrl
        && ValueQuality.bitsPerChar(v) >= 3.0;
  }

  private static void yaml(String text, List<String> keys, String where, Set<String> out) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      throw new ConfigurationException("Protected file " + where + " is not valid YAML/JSON; fix"
          + " its syntax or remove it from protect:");
    }
    if (root == null) {
      return;
    }
    for (String key : keys) {
      collect(root, key.split("\\."), 0, out);
    }
  }

  private static void collect(JsonNode node, String[] path, int i, Set<String> out) {
    if (i == path.length) {
      if (node.isValueNode() && !node.isNull()) {
        out.add(node.asText());
      }
      return;
    }
    List<JsonNode> next = new ArrayList<>();
    if (path[i].equals("*")) {
      node.elements().forEachRemaining(next::add);
    } else if (node.isObject() && node.has(path[i])) {
      next.add(node.get(path[i]));
    } else if (node.isArray() && path[i].matches("\\d+") && Integer.parseInt(path[i]) < node.size()) {
      next.add(node.get(Integer.parseInt(path[i])));
    }
    for (JsonNode n : next) {
      collect(n, path, i + 1, out);
    }
  }
}
