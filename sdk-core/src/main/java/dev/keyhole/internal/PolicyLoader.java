package dev.keyhole.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.keyhole.Grant;
import dev.keyhole.InvalidHandleException;
import dev.keyhole.InvalidReferenceException;
import dev.keyhole.Policy;
import dev.keyhole.PolicyFileException;
import dev.keyhole.SecretHandle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads policy files by walking the Jackson tree, so every error can name its exact path. */
public final class PolicyLoader {
  // A key written twice is an error: a reviewer reads the first, Jackson would keep the last.
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Set<String> TOP_KEYS = Set.of("version", "taskTtl", "handles", "protect");
  private static final Set<String> GRANT_KEYS =
      Set.of("ref", "issuer", "parameters", "tools", "destinations", "commands", "maxUses", "ttl",
          "approval", "allowHttpLocalhost", "description", "unboundTools", "env",
          "allowCodeExecution");
  private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate field '(.*)'");
  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private PolicyLoader() {}

  public static Policy load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new PolicyFileException("Policy file " + file + " does not exist");
    } catch (IOException e) {
      throw new PolicyFileException("Cannot read policy file " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  public static Policy parse(String text, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonParseException e) {
      Optional<String> duplicate = duplicateKey(e);
      if (duplicate.isPresent()) {
        throw new PolicyFileException(source + ": line " + e.getLocation().getLineNr() + ": key '"
            + duplicate.get() + "' appears twice in the same mapping (duplicate key); keep one");
      }
      throw notValid(e, source);
    } catch (JsonProcessingException e) {
      throw notValid(e, source);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new PolicyFileException(source + ": the policy is empty; expected 'version: 1' and 'handles:'");
    }
    if (!root.isObject()) {
      throw new PolicyFileException(source + ": the policy must be a mapping with 'version' and 'handles'");
    }
    rejectUnknown(root, TOP_KEYS, "", source);
    JsonNode version = root.get("version");
    if (version == null || !version.canConvertToInt() || version.asInt() != 1) {
      throw new PolicyFileException(source + ": version: expected 'version: 1'");
    }
    Policy.Builder b = Policy.builder();
    if (root.has("taskTtl")) {
      b.taskTtl(duration(root.get("taskTtl"), "taskTtl", source));
    }
    JsonNode handles = root.get("handles");
    if (handles != null && !handles.isNull()) {
      if (!handles.isObject()) {
        throw new PolicyFileException(source + ": handles: expected a mapping of handle name to grant");
      }
      for (Map.Entry<String, JsonNode> e : handles.properties()) {
        b.grant(grant(e.getKey(), e.getValue(), "handles." + e.getKey(), source));
      }
    }
    if (root.has("protect")) {
      protectedFiles(root.get("protect"), source).forEach(b::protect);
    }
    return b.build();
  }

  /** {@code protect:}: a list of paths, or of {@code {path, keys}} mappings. */
  private static List<dev.keyhole.ProtectedFile> protectedFiles(JsonNode node, String source) {
    List<dev.keyhole.ProtectedFile> out = new ArrayList<>();
    if (node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw new PolicyFileException(source + ": protect: expected a list of paths relative to the"
          + " tool root, e.g. [.env, \"keys/*.pem\"]");
    }
    for (int i = 0; i < node.size(); i++) {
      String path = "protect[" + i + "]";
      JsonNode e = node.get(i);
      try {
        if (e.isTextual()) {
          out.add(dev.keyhole.ProtectedFile.of(text(e, path, source)));
        } else if (e.isObject()) {
          rejectUnknown(e, Set.of("path", "keys"), path + ".", source);
          out.add(dev.keyhole.ProtectedFile.of(text(e.get("path"), path + ".path", source),
              list(e.get("keys"), path + ".keys", source)));
        } else {
          throw new PolicyFileException(source + ": " + path + ": expected a path or a mapping"
              + " with 'path' and 'keys'");
        }
      } catch (IllegalArgumentException ex) {
        throw new PolicyFileException(source + ": " + path + ": " + ex.getMessage());
      }
    }
    return out;
  }

  private static PolicyFileException notValid(JsonProcessingException e, String source) {
    String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
        + ", column " + e.getLocation().getColumnNr();
    return new PolicyFileException(
        source + ": not valid YAML/JSON" + where + ": " + e.getOriginalMessage());
  }

  /** The key a STRICT_DUPLICATE_DETECTION failure names, if {@code e} is one. */
  private static Optional<String> duplicateKey(JsonParseException e) {
    if (e.getLocation() == null) {
      return Optional.empty();
    }
    Matcher m = DUPLICATE_FIELD.matcher(String.valueOf(e.getOriginalMessage()));
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static Grant grant(String name, JsonNode node, String path, String source) {
    if (!SecretHandle.isValidName(name) || !name.equals(name.toLowerCase(Locale.ROOT))) {
      throw new PolicyFileException(source + ": " + path + ": '" + name + "' is not a valid handle"
          + " name; use 1-64 characters of a-z, 0-9, '_' and '-', starting with a letter or digit");
    }
    if (node == null || !node.isObject()) {
      throw new PolicyFileException(source + ": " + path + ": expected a mapping with 'ref' or"
          + " 'issuer', and 'tools'");
    }
    rejectUnknown(node, GRANT_KEYS, path + ".", source);
    try {
      Grant.Builder g = Grant.builder(name);
      if (node.has("ref")) {
        String ref = text(node.get("ref"), path + ".ref", source);
        try {
          g.ref(ref);
        } catch (InvalidReferenceException e) {
          throw new PolicyFileException(source + ": " + path + ".ref: " + e.getMessage());
        }
      }
      if (node.has("issuer")) {
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode p = node.get("parameters");
        if (p != null && !p.isNull()) {
          if (!p.isObject()) {
            throw new PolicyFileException(source + ": " + path + ".parameters: expected a mapping");
          }
          p.properties().forEach(
              e -> params.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText()
                  : e.getValue().toString()));
        }
        g.issuer(text(node.get("issuer"), path + ".issuer", source), params);
      } else if (node.has("parameters")) {
        throw new PolicyFileException(source + ": " + path + ".parameters: only issuer grants take"
            + " parameters; add 'issuer' or remove 'parameters'");
      }
      g.tools(list(node.get("tools"), path + ".tools", source));
      List<String> dests = list(node.get("destinations"), path + ".destinations", source);
      for (int i = 0; i < dests.size(); i++) {
        try {
          g.destinations(dests.get(i));
        } catch (IllegalArgumentException e) {
          throw new PolicyFileException(
              source + ": " + path + ".destinations[" + i + "]: " + e.getMessage());
        }
      }
      g.commands(list(node.get("commands"), path + ".commands", source));
      g.unboundTools(list(node.get("unboundTools"), path + ".unboundTools", source));
      if (node.has("maxUses")) {
        JsonNode m = node.get("maxUses");
        if (!m.canConvertToInt() || !m.isIntegralNumber() || m.asInt() < 1) {
          throw new PolicyFileException(source + ": " + path + ".maxUses: expected a whole number"
              + " of at least 1, got '" + m.asText() + "'");
        }
        g.maxUses(m.asInt());
      }
      if (node.has("ttl")) {
        g.ttl(duration(node.get("ttl"), path + ".ttl", source));
      }
      if (node.has("approval")) {
        g.approvalRequired(bool(node.get("approval"), path + ".approval", source));
      }
      if (node.has("allowHttpLocalhost")) {
        g.allowHttpLocalhost(bool(node.get("allowHttpLocalhost"), path + ".allowHttpLocalhost", source));
      }
      if (node.has("env")) {
        JsonNode env = node.get("env");
        if (!env.isObject()) {
          throw new PolicyFileException(source + ": " + path + ".env: expected a mapping of"
              + " environment variable to handle name, e.g. {GH_TOKEN: " + name + "}");
        }
        for (Map.Entry<String, JsonNode> e : env.properties()) {
          g.env(e.getKey(), text(e.getValue(), path + ".env." + e.getKey(), source));
        }
      }
      if (node.has("allowCodeExecution")) {
        g.allowCodeExecution(bool(node.get("allowCodeExecution"), path + ".allowCodeExecution",
            source));
      }
      if (node.has("description")) {
        g.description(text(node.get("description"), path + ".description", source));
      }
      return g.build();
    } catch (PolicyFileException e) {
      String msg = e.getMessage();
      throw msg.startsWith(source + ": ") ? e : new PolicyFileException(source + ": " + path + ": " + msg);
    } catch (InvalidHandleException | IllegalArgumentException e) {
      throw new PolicyFileException(source + ": " + path + ": " + e.getMessage());
    }
  }

  private static void rejectUnknown(JsonNode node, Set<String> allowed, String prefix, String source) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!allowed.contains(n)) {
        throw new PolicyFileException(source + ": " + prefix + n + ": unknown key; allowed keys are "
            + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private static String text(JsonNode n, String path, String source) {
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      throw new PolicyFileException(source + ": " + path + ": expected a non-empty string");
    }
    return n.asText();
  }

  private static boolean bool(JsonNode n, String path, String source) {
    if (!n.isBoolean()) {
      throw new PolicyFileException(source + ": " + path + ": expected true or false, got '"
          + n.asText() + "'");
    }
    return n.asBoolean();
  }

  private static List<String> list(JsonNode n, String path, String source) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isTextual()) {
      out.add(n.asText());
      return out;
    }
    if (!n.isArray()) {
      throw new PolicyFileException(source + ": " + path + ": expected a list of strings");
    }
    for (int i = 0; i < n.size(); i++) {
      out.add(text(n.get(i), path + "[" + i + "]", source));
    }
    return out;
  }

  /** Parses ISO-8601 ({@code PT15M}) or short forms ({@code 15m}, {@code 900s}, {@code 2h}). */
  public static Duration parseDuration(String s) {
    String t = s.strip().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE_DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    return Duration.parse(s.strip().toUpperCase(Locale.ROOT));
  }

  private static Duration duration(JsonNode n, String path, String source) {
    Duration d;
    try {
      d = parseDuration(n.asText());
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new PolicyFileException(source + ": " + path + ": '" + n.asText() + "' is not a"
          + " duration; use e.g. '15m', '900s', '2h' or ISO-8601 'PT15M'");
    }
    if (d.isNegative() || d.isZero()) {
      throw new PolicyFileException(source + ": " + path + ": must be positive, got '" + n.asText() + "'");
    }
    return d;
  }
}
