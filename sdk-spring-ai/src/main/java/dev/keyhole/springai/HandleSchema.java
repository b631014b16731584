package dev.keyhole.springai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Grant;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskScope;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites a tool's JSON input schema so that its handle parameters take handles: each becomes a
 * string (an enum of the handles the task grants the tool, when a task is known) described as a
 * handle. The original description is kept in front; nothing else changes.
 */
final class HandleSchema {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HandleSchema() {}

  /**
   * @throws ConfigurationException if the schema is not JSON or lacks a declared parameter
   */
  static String rewrite(String tool, String inputSchema, List<String> handleParameters,
      @Nullable TaskScope task) {
    if (handleParameters.isEmpty()) {
      return inputSchema;
    }
    JsonNode root;
    try {
      root = JSON.readTree(inputSchema);
    } catch (JsonProcessingException e) {
      throw new ConfigurationException("The input schema of tool '" + tool + "' is not JSON");
    }
    for (String path : handleParameters) {
      ObjectNode parent = parentOf(tool, root, path);
      String name = path.substring(path.lastIndexOf('.') + 1);
      JsonNode original = parent.get(name);
      parent.set(name, handleSchema(tool, original, task));
    }
    return root.toString();
  }

  private static ObjectNode parentOf(String tool, JsonNode root, String path) {
    String[] seg = path.split("\\.", -1);
    JsonNode obj = root;
    for (int i = 0; ; i++) {
      JsonNode props = obj.path("properties");
      if (!(props instanceof ObjectNode p) || !p.has(seg[i])) {
        throw new ConfigurationException("Tool '" + tool + "' has no parameter '" + path
            + "'; its parameters are " + fieldNames(props) + ". Fix the handle parameters declared"
            + " for it");
      }
      if (i == seg.length - 1) {
        return p;
      }
      obj = p.get(seg[i]);
    }
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static ObjectNode handleSchema(String tool, JsonNode original, @Nullable TaskScope task) {
    ObjectNode s = JSON.createObjectNode().put("type", "string");
    StringBuilder text = new StringBuilder();
    String before = original.path("description").asText("").strip();
    if (!before.isEmpty()) {
      text.append(before).append(before.endsWith(".") ? " " : ". ");
    }
    text.append("A Keyhole secret handle (secret://NAME), never a secret value: the tool receives the"
        + " value when it runs.");
    if (task != null) {
      List<SecretHandle> handles = new ArrayList<>(task.handlesFor(tool));
      if (handles.isEmpty()) {
        text.append(" The current task grants no handle to this tool.");
      } else {
        text.append(" Handles this tool may use: ");
        for (int i = 0; i < handles.size(); i++) {
          SecretHandle h = handles.get(i);
          text.append(i == 0 ? "" : ", ").append(h.token());
          task.grantFor(h).flatMap(Grant::description).ifPresent(d -> text.append(" (").append(d).append(')'));
          s.withArray("enum").add(h.token());
        }
        text.append('.');
      }
    }
    return s.put("description", text.toString());
  }
}
