package dev.keyhole.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.keyhole.HandleMatch;
import dev.keyhole.InvalidHandleException;
import dev.keyhole.SecretHandle;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Finds handle tokens in JSON trees and substitutes values for them. */
public final class JsonHandles {
  private JsonHandles() {}

  /**
   * Every distinct handle in the string values (and field names) of {@code node}, in order.
   *
   * @throws InvalidHandleException for a malformed token
   */
  public static Set<SecretHandle> find(JsonNode node) {
    Set<SecretHandle> out = new LinkedHashSet<>();
    collect(node, out);
    return out;
  }

  private static void collect(JsonNode node, Set<SecretHandle> out) {
    if (node.isTextual()) {
      addFrom(node.textValue(), out);
    } else if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (SecretHandle.containsToken(e.getKey())) {
          throw new InvalidHandleException("A handle token appears in an argument name; handles"
              + " are allowed only in argument values");
        }
        collect(e.getValue(), out);
      }
    } else if (node.isArray()) {
      for (JsonNode c : node) {
        collect(c, out);
      }
    }
  }

  /** Adds the handles in {@code text}; throws for a malformed token. */
  public static void addFrom(String text, Set<SecretHandle> out) {
    List<HandleMatch> matches = SecretHandle.findAll(text);
    for (HandleMatch m : matches) {
      if (!m.valid()) {
        String shown = text.substring(m.start(), Math.min(m.end(), m.start() + 80));
        throw new InvalidHandleException("Malformed handle token '" + shown + "'; expected"
            + " 'secret://NAME' with NAME of 1-64 characters a-z, 0-9, '_', '-' (starting with a"
            + " letter or digit). Use one of the handles listed in the tool description.");
      }
      out.add(m.handle());
    }
  }

  /** A deep copy of {@code node} with every token replaced by {@code valueOf(handle)}. */
  public static JsonNode substitute(JsonNode node, Function<SecretHandle, String> valueOf) {
    if (node.isTextual()) {
      String t = node.textValue();
      return SecretHandle.containsToken(t) ? TextNode.valueOf(substitute(t, valueOf)) : node;
    }
    if (node.isObject()) {
      ObjectNode copy = ((ObjectNode) node).objectNode();
      node.properties().forEach(e -> copy.set(e.getKey(), substitute(e.getValue(), valueOf)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = ((ArrayNode) node).arrayNode();
      node.forEach(c -> copy.add(substitute(c, valueOf)));
      return copy;
    }
    return node;
  }

  /** {@code text} with every valid token replaced by {@code valueOf(handle)}. */
  public static String substitute(String text, Function<SecretHandle, String> valueOf) {
    List<HandleMatch> matches = SecretHandle.findAll(text);
    if (matches.isEmpty()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length() + 32);
    int pos = 0;
    for (HandleMatch m : matches) {
      sb.append(text, pos, m.start());
      if (m.valid()) {
        sb.append(valueOf.apply(m.handle()));
      } else {
        sb.append(text, m.start(), m.end());
      }
      pos = m.end();
    }
    return sb.append(text, pos, text.length()).toString();
  }
}
