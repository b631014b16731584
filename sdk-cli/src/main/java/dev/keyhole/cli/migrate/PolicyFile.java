package dev.keyhole.cli.migrate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.keyhole.Policy;
import dev.keyhole.PolicyFileException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Writes the Keyhole policy file (see {@link Policy}) for migrated handles. A new file gets a
 * header explaining what to review; an existing one is merged (its handles kept; its leading
 * comment block kept, other comments are not preserved by the YAML round trip). Every result is
 * checked with {@link Policy#parse} before it is written.
 */
final class PolicyFile {
  private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

  static final String HEADER = """
      # Keyhole policy: which handles exist, where their values live, and which tools may use them.
      # Written by 'keyhole migrate'. Before use, review each handle: narrow 'tools' to the tools
      # that need it and add 'destinations' (the hosts its value may be sent to); see the
      # dev.keyhole.Policy documentation.
      """;

  /** One handle to add. */
  record Handle(String name, String ref, List<String> tools, String description) {}

  private final String source;
  private final ObjectNode root;
  private final String header;

  private PolicyFile(String source, ObjectNode root, String header) {
    this.source = source;
    this.root = root;
    this.header = header;
  }

  /**
   * Reads an existing policy ({@code text} non-null) or starts a new one.
   *
   * @throws PolicyFileException if the existing policy is not valid
   */
  static PolicyFile open(@Nullable String text, String source) {
    if (text == null || text.isBlank()) {
      ObjectNode root = YAML.createObjectNode();
      root.put("version", 1);
      root.putObject("handles");
      return new PolicyFile(source, root, HEADER);
    }
    Policy.parse(text, source); // validates, with a precise message
    JsonNode tree;
    try {
      tree = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new PolicyFileException(source + ": not valid YAML");
    }
    ObjectNode root = (ObjectNode) tree;
    if (!root.has("handles") || root.get("handles").isNull()) {
      root.putObject("handles");
    }
    StringBuilder header = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (!line.startsWith("#")) {
        break;
      }
      header.append(line).append('\n');
    }
    return new PolicyFile(source, root, header.toString());
  }

  /** The reference of an existing handle, if the policy has it. */
  Optional<String> refOf(String handle) {
    JsonNode h = root.get("handles").get(handle);
    return h == null || !h.has("ref") ? Optional.empty() : Optional.of(h.get("ref").asText());
  }

  boolean has(String handle) {
    return root.get("handles").has(handle);
  }

  /** Adds (or, for the same name, replaces) a handle. */
  void put(Handle h) {
    ObjectNode n = ((ObjectNode) root.get("handles")).putObject(h.name());
    n.put("ref", h.ref());
    var tools = n.putArray("tools");
    h.tools().forEach(tools::add);
    n.put("description", h.description());
  }

  /**
   * Adds a handle for each move of {@code plan}; a handle the policy already has (with the same
   * reference, as the planner guarantees) is kept as the user left it.
   */
  void addAll(FilePlan plan, List<String> tools) {
    for (Move m : plan.moves()) {
      if (!has(m.handle())) {
        put(new Handle(m.handle(), m.reference(), tools,
            m.key() + " from " + plan.relativePath()));
      }
    }
  }

  /** The policy text; checked with {@link Policy#parse}. */
  String render() {
    String body;
    try {
      body = YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    String text = header + body;
    Policy.parse(text, source);
    return text;
  }

  @Override
  public String toString() {
    return "PolicyFile[" + source + "]";
  }
}
