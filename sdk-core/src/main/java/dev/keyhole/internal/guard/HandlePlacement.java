package dev.keyhole.internal.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.HandleMatch;
import dev.keyhole.HandleParameter;
import dev.keyhole.SecretHandle;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Stage "locate handles": handles may appear only in a tool's declared handle parameters (a
 * parameter covers its subtree), as one whole token unless the parameter is embedded, and only
 * handles the parameter accepts. A whole-handle parameter that holds a literal is refused too, so a
 * model cannot slip a guessed or pasted value past the handle contract.
 */
final class HandlePlacement {
  private HandlePlacement() {}

  /** Why the arguments are refused (text for the model), or null when every handle is in place. */
  static @Nullable String violation(String tool, Map<String, HandleParameter> params, JsonNode root) {
    return walk(tool, params, root, "");
  }

  private static @Nullable String walk(String tool, Map<String, HandleParameter> params,
      JsonNode node, String path) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (SecretHandle.containsToken(e.getKey())) {
          return "A handle appears in an argument name of tool '" + tool + "'; handles are allowed"
              + " only in argument values.";
        }
        String v = walk(tool, params, e.getValue(),
            path.isEmpty() ? e.getKey() : path + "." + e.getKey());
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
    HandleParameter p = covering(params, path);
    boolean exact = p != null && p.path().equals(path);
    if (node.isTextual()) {
      return text(tool, params, p, exact, path, node.textValue());
    }
    if (exact && !p.isEmbedded() && !node.isNull()) {
      return mustBeHandle(tool, p);
    }
    return null;
  }

  /** The declared parameter at {@code path} or at one of its ancestors. */
  private static @Nullable HandleParameter covering(Map<String, HandleParameter> params, String path) {
    if (params.isEmpty() || path.isEmpty()) {
      return null;
    }
    String p = path;
    while (true) {
      HandleParameter hp = params.get(p);
      if (hp != null) {
        return hp;
      }
      int dot = p.lastIndexOf('.');
      if (dot < 0) {
        return null;
      }
      p = p.substring(0, dot);
    }
  }

  private static @Nullable String text(String tool, Map<String, HandleParameter> params,
      @Nullable HandleParameter p, boolean exact, String path, String text) {
    if (text.indexOf("://") < 0 || !SecretHandle.containsToken(text)) {
      return exact && !p.isEmbedded() && !text.isBlank() ? mustBeHandle(tool, p) : null;
    }
    List<HandleMatch> matches = SecretHandle.findAll(text);
    if (p == null) {
      if (params.isEmpty()) {
        return "Tool '" + tool + "' takes no secret handles, but argument '" + path + "' holds"
            + " one. The tool's author must declare which parameters take handles (ToolDeclaration"
            + " handleParameters, @Secret in LangChain4j or Spring AI, or the gateway's tool"
            + " configuration) before a handle can be used with it.";
      }
      return "Argument '" + path + "' of tool '" + tool + "' holds a secret handle, but it does not"
          + " take handles; put the handle in " + HandleParameter.names(params.values()) + ".";
    }
    if (!p.isEmbedded() && exact) {
      HandleMatch m = matches.get(0);
      if (matches.size() != 1 || m.end() - m.start() != text.strip().length()) {
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
