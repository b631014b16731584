package dev.keyhole.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Grant;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolExecution;
import dev.keyhole.ToolGuard;
import dev.keyhole.audit.AuditEventType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Strict reading of a tool's JSON arguments, with messages a model can act on. */
final class Args {
  static final ObjectMapper JSON = new ObjectMapper();

  private final String tool;
  private final ObjectNode node;

  private Args(String tool, ObjectNode node) {
    this.tool = tool;
    this.node = node;
  }

  /**
   * Parses {@code json} as an object whose fields are all in {@code known}.
   *
   * @throws ToolArgumentsException otherwise
   */
  static Args parse(String tool, @Nullable String json, Set<String> known) {
    String text = json == null || json.isBlank() ? "{}" : json;
    JsonNode tree;
    try {
      tree = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ToolArgumentsException("Arguments of tool '" + tool + "' are not valid JSON ("
          + e.getOriginalMessage().replaceAll("\\s+", " ") + "); send a JSON object with "
          + known);
    }
    if (tree == null || !tree.isObject()) {
      throw new ToolArgumentsException("Arguments of tool '" + tool + "' must be a JSON object with "
          + known);
    }
    Iterator<String> names = tree.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!known.contains(n)) {
        throw new ToolArgumentsException("Tool '" + tool + "' has no argument '" + abbreviate(n)
            + "'; its arguments are " + known);
      }
    }
    return new Args(tool, (ObjectNode) tree);
  }

  ObjectNode node() {
    return node;
  }

  /** A required text field. */
  String text(String field) {
    return optionalText(field).orElseThrow(() -> new ToolArgumentsException(
        "Tool '" + tool + "' needs the argument '" + field + "' (a string)"));
  }

  Optional<String> optionalText(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new ToolArgumentsException("Argument '" + field + "' of tool '" + tool
          + "' must be a string, was " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    return Optional.of(v.textValue());
  }

  Optional<Long> optionalWhole(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new ToolArgumentsException("Argument '" + field + "' of tool '" + tool
          + "' must be a whole number");
    }
    return Optional.of(v.longValue());
  }

  /** An optional object of string values, in order. */
  Map<String, String> stringMap(String field) {
    JsonNode v = node.get(field);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isObject()) {
      throw new ToolArgumentsException("Argument '" + field + "' of tool '" + tool
          + "' must be an object of string values, e.g. {\"NAME\": \"value\"}");
    }
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isTextual()) {
        throw new ToolArgumentsException("Argument '" + field + "." + abbreviate(e.getKey())
            + "' of tool '" + tool + "' must be a string");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  /** Throws when {@code text} (argument {@code field}) holds a handle token. */
  void noHandles(String field, String text, String hint) {
    if (SecretHandle.containsToken(text)) {
      throw new ToolArgumentsException("Argument '" + field + "' of tool '" + tool
          + "' may not contain a handle (secret://...); " + hint);
    }
  }

  /**
   * {@link AgentTool#call} for the built-in tools: refuses to run nested ({@link #notNested}),
   * validates the arguments with {@code validate} before anything resolves, then runs {@code
   * tool.run} in a guard set up by {@code tool.configure}, without substitution (the tool reads the
   * resolved values itself).
   */
  static String guardedCall(AgentTool tool, TaskScope task, String argumentsJson,
      Consumer<String> validate) {
    notNested(tool.name());
    try {
      validate.accept(argumentsJson);
    } catch (PolicyViolationException e) {
      // The tool's own allowlists refused the call before the guard ran: audited like any denial.
      task.audit(AuditEventType.USE_DENIED, b -> b.tool(tool.name()).outcome("denied")
          .reason(e.reason().name()));
      throw e;
    }
    return tool.configure(ToolGuard.builder(task)).substitute(false).build()
        .call(tool.name(), argumentsJson, tool::run);
  }

  /**
   * Refuses to run {@code tool}'s guarded {@code call} inside another guarded call: an outer guard
   * would already have put values into the arguments, bypassing this tool's destination or command
   * checks. Fails closed, before anything runs.
   */
  private static void notNested(String tool) {
    if (ToolExecution.current().isPresent()) {
      throw new ConfigurationException("Tool '" + tool + "' is already guarded by Keyhole but was"
          + " called inside another guarded tool call ('" + ToolExecution.current().get().toolName()
          + "'); do not wrap its executor in another Keyhole tool guard or decorator");
    }
  }

  static String abbreviate(String s) {
    String t = s.replaceAll("\\p{Cntrl}", "?");
    return t.length() <= 60 ? t : t.substring(0, 57) + "...";
  }

  /**
   * The handles of {@code task} that {@code tool} may use, one per line, with what the model needs
   * to use them well (description, destinations, commands). Never a value or a reference.
   */
  static String handleList(TaskScope task, String tool) {
    StringBuilder sb = new StringBuilder();
    for (SecretHandle h : task.handlesFor(tool)) {
      sb.append("\n- ").append(h.token());
      Optional<Grant> g = task.grantFor(h);
      if (g.isPresent()) {
        g.get().description().ifPresent(d -> sb.append(": ").append(d));
        if (!g.get().destinations().isEmpty()) {
          sb.append(" (hosts: ").append(g.get().destinations()).append(')');
        }
        if (!g.get().commands().isEmpty()) {
          sb.append(" (commands: ").append(g.get().commands()).append(')');
        }
        List<String> vars = new ArrayList<>();
        g.get().env().forEach((var, handle) -> {
          if (handle.equals(h.name())) {
            vars.add(var);
          }
        });
        if (!vars.isEmpty()) {
          sb.append(" (env: ").append(vars).append(')');
        }
      }
    }
    return sb.length() == 0 ? "\nNo handles are granted to this tool in this task." : sb.toString();
  }

  static ObjectNode stringSchema(String description) {
    ObjectNode s = JSON.createObjectNode();
    s.put("type", "string");
    s.put("description", description);
    return s;
  }
}
