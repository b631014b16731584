package dev.keyhole.langchain4j;

import dev.keyhole.HandleParameter;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Grant;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskScope;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Rewrites tool specifications so that chosen parameters take handles. */
final class HandleSchemas {
  private HandleSchemas() {}

  /**
   * {@code spec} with each parameter in {@code params} replaced by a handle parameter: a string
   * enum of the handles the task grants the tool (a plain string for embedded parameters, when no
   * handle is granted or when there is no task), described as a handle. The original description
   * is kept in front. Definitions ({@code $defs}) no property refers to any more — such as the one
   * LangChain4j generates for a {@code SecretValue} parameter — are removed.
   *
   * @throws ConfigurationException if a parameter does not exist in the specification
   */
  static ToolSpecification rewrite(ToolSpecification spec, Collection<HandleParameter> params,
      @Nullable TaskScope task) {
    if (params.isEmpty()) {
      return spec;
    }
    JsonObjectSchema root = spec.parameters();
    if (root == null) {
      throw new ConfigurationException("Tool '" + spec.name() + "' has no parameters, so it has"
          + " no handle parameter " + HandleParameter.names(params) + "; fix the handle parameters"
          + " declared for it");
    }
    for (HandleParameter p : params) {
      root = replace(spec.name(), root, p, 0, handleSchema(spec.name(), p, task, root));
    }
    return spec.toBuilder().parameters(withoutUnusedDefinitions(root)).build();
  }

  /** {@code root} without the definitions that no property refers to, directly or through others. */
  static JsonObjectSchema withoutUnusedDefinitions(JsonObjectSchema root) {
    Map<String, JsonSchemaElement> defs = root.definitions();
    if (defs == null || defs.isEmpty()) {
      return root;
    }
    Set<String> used = new HashSet<>();
    Deque<JsonSchemaElement> todo = new ArrayDeque<>(root.properties().values());
    while (!todo.isEmpty()) {
      JsonSchemaElement e = todo.pop();
      if (e instanceof JsonReferenceSchema r && r.reference() != null) {
        String name = r.reference().substring(r.reference().lastIndexOf('/') + 1);
        if (used.add(name) && defs.get(name) != null) {
          todo.push(defs.get(name));
        }
      } else if (e instanceof JsonObjectSchema o) {
        todo.addAll(o.properties().values());
      } else if (e instanceof JsonArraySchema a && a.items() != null) {
        todo.push(a.items());
      } else if (e instanceof JsonAnyOfSchema a) {
        todo.addAll(a.anyOf());
      }
    }
    Map<String, JsonSchemaElement> kept = new LinkedHashMap<>();
    defs.forEach((name, d) -> {
      if (used.contains(name)) {
        kept.put(name, d);
      }
    });
    if (kept.size() == defs.size()) {
      return root;
    }
    return root.toBuilder().definitions(kept.isEmpty() ? null : kept).build();
  }

  private static JsonSchemaElement handleSchema(String tool, HandleParameter p,
      @Nullable TaskScope task, JsonObjectSchema root) {
    JsonSchemaElement original = find(tool, root, p);
    List<SecretHandle> handles = new ArrayList<>();
    for (SecretHandle h : task == null ? Set.<SecretHandle>of() : task.handlesFor(tool)) {
      if (p.accepts(h)) {
        handles.add(h);
      }
    }
    String text = describe(description(original), handles, p, task);
    if (!p.isEmbedded() && !handles.isEmpty()) {
      List<String> tokens = handles.stream().map(SecretHandle::token).toList();
      return JsonEnumSchema.builder().enumValues(tokens).description(text).build();
    }
    return JsonStringSchema.builder().description(text).build();
  }

  static String describe(@Nullable String original, List<SecretHandle> handles, HandleParameter p,
      @Nullable TaskScope task) {
    StringBuilder sb = new StringBuilder();
    if (original != null && !original.isBlank()) {
      sb.append(original.strip());
      sb.append(original.strip().endsWith(".") ? " " : ". ");
    }
    sb.append("A Keyhole secret handle (secret://NAME), never a secret value: the tool receives the"
        + " value when it runs.");
    if (task == null) {
      sb.append(" Handles exist only inside a Keyhole task, and none is bound to this call.");
    } else if (handles.isEmpty()) {
      sb.append(" The current task grants no handle to this tool.");
    } else {
      sb.append(" Handles this tool may use: ");
      for (int i = 0; i < handles.size(); i++) {
        SecretHandle h = handles.get(i);
        sb.append(i == 0 ? "" : ", ").append(h.token());
        Optional<String> d = task.grantFor(h).flatMap(Grant::description);
        d.ifPresent(s -> sb.append(" (").append(s).append(')'));
      }
      sb.append('.');
      if (p.isEmbedded()) {
        sb.append(" The handle may stand inside text, for example \"Bearer ")
            .append(handles.get(0).token()).append("\".");
      }
    }
    return sb.toString();
  }

  private static JsonSchemaElement find(String tool, JsonObjectSchema root, HandleParameter p) {
    JsonObjectSchema obj = root;
    List<String> seg = p.segments();
    for (int i = 0; ; i++) {
      JsonSchemaElement el = obj.properties().get(seg.get(i));
      if (el == null) {
        throw new ConfigurationException("Tool '" + tool + "' has no parameter '" + p.path()
            + "'; its " + (i == 0 ? "" : "'" + String.join(".", seg.subList(0, i)) + "' ")
            + "parameters are " + obj.properties().keySet() + ". Fix the handle parameters declared"
            + " for it");
      }
      if (i == seg.size() - 1) {
        return el;
      }
      if (!(el instanceof JsonObjectSchema child)) {
        throw new ConfigurationException("Parameter '" + String.join(".", seg.subList(0, i + 1))
            + "' of tool '" + tool + "' is not an object, so it has no '" + p.path() + "'");
      }
      obj = child;
    }
  }

  private static JsonObjectSchema replace(String tool, JsonObjectSchema obj, HandleParameter p,
      int depth, JsonSchemaElement replacement) {
    String name = p.segments().get(depth);
    JsonSchemaElement next = depth == p.segments().size() - 1
        ? replacement
        : replace(tool, (JsonObjectSchema) obj.properties().get(name), p, depth + 1, replacement);
    return obj.toBuilder().addProperty(name, next).build();
  }

  static @Nullable String description(JsonSchemaElement e) {
    if (e instanceof JsonStringSchema s) {
      return s.description();
    } else if (e instanceof JsonEnumSchema s) {
      return s.description();
    } else if (e instanceof JsonIntegerSchema s) {
      return s.description();
    } else if (e instanceof JsonNumberSchema s) {
      return s.description();
    } else if (e instanceof JsonBooleanSchema s) {
      return s.description();
    } else if (e instanceof JsonObjectSchema s) {
      return s.description();
    } else if (e instanceof JsonArraySchema s) {
      return s.description();
    } else if (e instanceof JsonAnyOfSchema s) {
      return s.description();
    } else if (e instanceof JsonRawSchema s) {
      return s.description();
    } else if (e instanceof JsonReferenceSchema s) {
      return s.description();
    } else if (e instanceof JsonNullSchema s) {
      return s.description();
    }
    return null;
  }
}
