package dev.keyhole.springai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Grant;
import dev.keyhole.HandleParameter;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskScope;
import java.util.ArrayList;
import java.util.Collection;
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
  static String rewrite(String tool, String inputSchema, Collection<HandleParameter> handleParameters,
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
    for (HandleParameter p : handleParameters) {
      ObjectNode parent = parentOf(tool, root, p.segments());
      String name = p.segments().get(p.segments().size() - 1);
      parent.set(name, handleSchema(tool, parent.get(name), p, task));
    }
    return root.toString();
  }

  private static ObjectNode parentOf(String tool, JsonNode root, List<String> seg) {
    JsonNode obj = root;
    for (int i = 0; ; i++) {
      JsonNode props = obj.path("properties");
      if (!(props instanceof ObjectNode p) || !p.has(seg.get(i))) {
        throw new ConfigurationException("Tool '" + tool + "' has no parameter '" + String.join(".", seg)
            + "'; its parameters are " + fieldNames(props) + ". Fix the handle parameters declared"
            + " for it");
      }
      if (i == seg.size() - 1) {
        return p;
      }
      obj = p.get(seg.get(i));
    }
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static ObjectNode handleSchema(String tool, JsonNode original, HandleParameter param,
      @Nullable TaskScope task) {
    ObjectNode s = JSON.createObjectNode().put("type", "string");
    StringBuilder text = new StringBuilder();
    String before = original.path("description").asText("").strip();
    if (!before.isEmpty()) {
      text.append(before).append(before.endsWith(".") ? " " : ". ");
    }
    text.append("A Keyhole secret handle (secret://NAME), never a secret value: the tool receives the"
        + " value when it runs.");
    if (task != null) {
      List<SecretHandle> handles = new ArrayList<>();
      task.handlesFor(tool).stream().filter(param::accepts).forEach(handles::add);
      if (handles.isEmpty()) {
        text.append(" The current task grants no handle to this tool.");
      } else {
        text.append(" Handles this tool may use: ");
        for (int i = 0; i < handles.size(); i++) {
          SecretHandle h = handles.get(i);
          text.append(i == 0 ? "" : ", ").append(h.token());
          task.grantFor(h).flatMap(Grant::description).ifPresent(d -> text.append(" (").append(d).append(')'));
          if (!param.isEmbedded()) {
            s.withArray("enum").add(h.token());
          }
        }
        text.append('.');
        if (param.isEmbedded()) {
          text.append(" The handle may stand inside text, for example \"Bearer ").append(handles.get(0).token())
              .append("\".");
        }
      }
    }
    return s.put("description", text.toString());
  }
}
