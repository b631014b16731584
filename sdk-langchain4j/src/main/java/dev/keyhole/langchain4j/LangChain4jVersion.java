package dev.keyhole.langchain4j;

import dev.keyhole.ConfigurationException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The LangChain4j versions this module supports, checked once, when the first guard is built: a
 * version outside the range fails fast with a {@link ConfigurationException} that names the found
 * and the required versions, instead of a {@code NoSuchMethodError} in the middle of a
 * conversation.
 */
final class LangChain4jVersion {
  /** The lowest supported version (tested by the build's {@code langchain4j-lowest} profile). */
  static final String MINIMUM = "1.17.0";
  /** The first major version that is not supported. */
  static final int NEXT_MAJOR = 2;
  static final String RANGE = MINIMUM + " or later, below " + NEXT_MAJOR + ".0";

  private static volatile boolean checked;

  private LangChain4jVersion() {}

  /**
   * Checks {@code langchain4j-core} and {@code langchain4j} on the class path (once per class
   * loader).
   *
   * @throws ConfigurationException when either is outside the supported range
   */
  static void requireSupported() {
    if (checked) {
      return;
    }
    check("langchain4j-core", version("langchain4j-core", ChatModel.class).orElse(null));
    check("langchain4j", version("langchain4j", AiServices.class).orElse(null));
    checked = true;
  }

  /**
   * Checks one artifact's version; an unknown version (a shaded or repackaged jar) is checked by
   * the presence of the newest API this module calls.
   */
  static void check(String artifact, @Nullable String found) {
    if (found == null) {
      String missing;
      try {
        missing = missingApi();
      } catch (LinkageError e) {
        missing = "AiServiceTool";
      }
      if (missing != null) {
        throw new ConfigurationException(message(artifact, "an unknown version without " + missing));
      }
      return;
    }
    int[] v = parse(found);
    int[] min = parse(MINIMUM);
    boolean tooOld = v[0] < min[0] || (v[0] == min[0] && (v[1] < min[1]
        || (v[1] == min[1] && v[2] < min[2])));
    if (tooOld || v[0] >= NEXT_MAJOR) {
      throw new ConfigurationException(message(artifact, found));
    }
  }

  private static String message(String artifact, String found) {
    return "Keyhole for LangChain4j supports LangChain4j " + RANGE + ", but found dev.langchain4j:"
        + artifact + " " + found + " on the class path. Use a supported version for every"
        + " LangChain4j module (for example through langchain4j-bom), or a Keyhole release made for"
        + " your LangChain4j version.";
  }

  /** {@code major, minor, patch} of {@code 1.19.0}, {@code 1.19.0-beta29}, {@code 1.20}. */
  static int[] parse(String version) {
    int[] out = new int[3];
    String[] parts = version.split("[.-]", 4);
    for (int i = 0; i < 3 && i < parts.length; i++) {
      int n = 0;
      String p = parts[i];
      int j = 0;
      while (j < p.length() && Character.isDigit(p.charAt(j))) {
        n = n * 10 + (p.charAt(j) - '0');
        j++;
      }
      out[i] = n;
      if (j < p.length()) {
        break; // a qualifier ends the numbers
      }
    }
    return out;
  }

  /** The version in the Maven descriptor of the jar that holds {@code type}. */
  static Optional<String> version(String artifact, Class<?> type) {
    URL self = type.getResource(type.getSimpleName() + ".class");
    if (self == null || !"jar".equals(self.getProtocol())) {
      return Optional.empty();
    }
    String s = self.toString();
    int bang = s.indexOf("!/");
    if (bang < 0) {
      return Optional.empty();
    }
    String descriptor = s.substring(0, bang + 2) + "META-INF/maven/dev.langchain4j/" + artifact
        + "/pom.properties";
    try {
      URLConnection c = URI.create(descriptor).toURL().openConnection();
      c.setUseCaches(false);
      try (InputStream in = c.getInputStream()) {
        Properties p = new Properties();
        p.load(in);
        return Optional.ofNullable(p.getProperty("version"));
      }
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The first API of the supported range that is missing, or null. */
  private static @Nullable String missingApi() {
    BiFunction<Class<?>, String, Boolean> has = (c, m) -> {
      for (var method : c.getMethods()) {
        if (method.getName().equals(m)) {
          return true;
        }
      }
      return false;
    };
    if (!has.apply(AiServiceTool.class, "returnBehavior")) {
      return "AiServiceTool.returnBehavior()";
    }
    if (!has.apply(ToolProvider.class, "isDynamic")) {
      return "ToolProvider.isDynamic()";
    }
    if (!has.apply(AiServices.class, "systemMessageTransformer")) {
      return "AiServices.systemMessageTransformer(...)";
    }
    return null;
  }
}
