package dev.keyhole.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.HandleMatch;
import dev.keyhole.SecretHandle;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks where handles appear in a tool call's arguments, before anything resolves: only in the
 * tool's handle parameters, as whole tokens unless the parameter is embedded, and only handles the
 * parameter accepts. A handle parameter that holds a literal instead of a handle is refused too, so
 * a model cannot slip a guessed or pasted value past the handle contract.
 */
final class HandleArguments {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HandleArguments() {}

  /**
   * Why the arguments are refused (text for the model), or null when they are fine. Arguments that
   * are not valid JSON are left to the tool guard, which reports them.
   */
  static @Nullable String violation(String tool, Map<String, HandleParameter> params, String argumentsJson) {
    JsonNode root;
    try {
      root = JSON.readTree(argumentsJson);
    } catch (JsonProcessingException e) {
      return null;
    }
    if (root == null) {
      return null;
    }
    return walk(tool, params, root, "");
  }

  private static @Nullable String walk(String tool, Map<String, HandleParameter> params, JsonNode node,
      String path) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String v = walk(tool, params, e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
        if (v != null) {
          return v;
        }
      }
      return null;
    }
    if (node.isArray()) {
      for (JsonNode c : node) {
        String v = walk(tool, params, c, path);
        if (v != null) {
          return v;
        }
      }
      return null;
    }
    HandleParameter p = params.get(path);
    if (node.isTextual()) {
      return text(tool, params, p, path, node.textValue());
    }
    if (p != null && !node.isNull()) {
      return mustBeHandle(tool, p);
    }
    return null;
  }

  private static @Nullable String text(String tool, Map<String, HandleParameter> params,
      @Nullable HandleParameter p, String path, String text) {
    List<HandleMatch> matches = SecretHandle.findAll(text);
    if (matches.isEmpty()) {
      return p != null && !p.isEmbedded() && !text.isBlank() ? mustBeHandle(tool, p) : null;
    }
    if (p == null) {
      return "Argument '" + path + "' of tool '" + tool + "' holds a secret handle, but this"
          + " parameter does not take handles; tool '" + tool + "' takes handles only in "
          + HandleParameter.names(params.values()) + ".";
    }
    if (!p.isEmbedded()) {
      HandleMatch m = matches.get(0);
      String stripped = text.strip();
      if (matches.size() != 1 || m.end() - m.start() != stripped.length()) {
        return mustBeHandle(tool, p);
      }
    }
    for (HandleMatch m : matches) {
      if (m.valid() && !p.accepts(m.handle())) {
        return "Argument '" + p.path() + "' of tool '" + tool + "' accepts only "
            + HandleParameter.tokens(p.handles()) + ", not " + m.handle().token() + ".";
      }
    }
    return null;
  }

  private static String mustBeHandle(String tool, HandleParameter p) {
    return "Argument '" + p.path() + "' of tool '" + tool + "' must be exactly one secret handle"
        + " such as secret://name (see the tool's parameter description), not a literal value.";
  }
}
