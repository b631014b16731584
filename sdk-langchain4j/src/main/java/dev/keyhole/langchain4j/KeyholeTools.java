package dev.keyhole.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.KeyholeException;
import dev.keyhole.TaskScope;
import dev.keyhole.tools.AgentTool;
import dev.keyhole.tools.HttpTool;
import dev.keyhole.tools.ProcessTool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.service.tool.ToolExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keyhole's ready-made tools ({@link ProcessTool}, {@link HttpTool}, any {@link AgentTool}) as
 * LangChain4j tools, one line each:
 *
 * <pre>{@code
 * Map<ToolSpecification, ToolExecutor> tools = new LinkedHashMap<>();
 * tools.putAll(KeyholeTools.processTool(task, ProcessTool.builder(workspace).commands("make").build()));
 * tools.putAll(KeyholeTools.httpTool(task, HttpTool.create()));
 * Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(tools).build();
 * }</pre>
 *
 * <p>The specification carries the tool's description, which names the handles the task grants to
 * the tool (never values), and its argument schema. The executor runs the tool through the task's
 * guard; it is already guarded, so do not wrap it in another Keyhole tool decorator.
 *
 * <p>Security: a failed or denied call is returned to the model as {@code "Error: <message>"}, where
 * the message is Keyhole's value-free text (redacted again here); unexpected exceptions are reduced
 * to their type, so no third-party message reaches the model.
 */
public final class KeyholeTools {
  private KeyholeTools() {}

  /** The process tool as one LangChain4j tool bound to {@code task}. */
  public static Map<ToolSpecification, ToolExecutor> processTool(TaskScope task, ProcessTool tool) {
    return of(task, tool);
  }

  /** The HTTP tool as one LangChain4j tool bound to {@code task}. */
  public static Map<ToolSpecification, ToolExecutor> httpTool(TaskScope task, HttpTool tool) {
    return of(task, tool);
  }

  /** Any number of Keyhole tools, in order, bound to {@code task}. */
  public static Map<ToolSpecification, ToolExecutor> of(TaskScope task, AgentTool... tools) {
    Map<ToolSpecification, ToolExecutor> out = new LinkedHashMap<>();
    for (AgentTool t : tools) {
      out.put(specification(task, t), executor(task, t));
    }
    return out;
  }

  /** The LangChain4j specification of {@code tool} for {@code task}. */
  public static ToolSpecification specification(TaskScope task, AgentTool tool) {
    return ToolSpecification.builder().name(tool.name()).description(tool.description(task))
        .parameters((JsonObjectSchema) schema(tool.parametersSchema())).build();
  }

  /** An executor that runs {@code tool} in {@code task} and returns its (redacted) text. */
  public static ToolExecutor executor(TaskScope task, AgentTool tool) {
    return (request, memoryId) -> {
      try {
        return tool.call(task, request.arguments());
      } catch (KeyholeException e) {
        return "Error: " + task.redactor().redact(String.valueOf(e.getMessage()));
      } catch (RuntimeException e) {
        return "Error: tool '" + tool.name() + "' failed (" + e.getClass().getSimpleName() + ")";
      }
    };
  }

  /** Converts the subset of JSON schema the Keyhole tools use. */
  private static JsonSchemaElement schema(JsonNode s) {
    String description = s.path("description").isTextual() ? s.get("description").textValue() : null;
    switch (s.path("type").asText("string")) {
      case "object": {
        JsonObjectSchema.Builder b = JsonObjectSchema.builder().description(description);
        s.path("properties").properties().forEach(e -> b.addProperty(e.getKey(), schema(e.getValue())));
        List<String> required = new ArrayList<>();
        s.path("required").forEach(r -> required.add(r.asText()));
        if (!required.isEmpty()) {
          b.required(required);
        }
        if (s.has("additionalProperties")) {
          b.additionalProperties(!s.get("additionalProperties").isBoolean()
              || s.get("additionalProperties").booleanValue());
        }
        return b.build();
      }
      case "array":
        return JsonArraySchema.builder().description(description).items(schema(s.path("items")))
            .build();
      case "integer":
        return JsonIntegerSchema.builder().description(description).build();
      case "number":
        return JsonNumberSchema.builder().description(description).build();
      case "boolean":
        return JsonBooleanSchema.builder().description(description).build();
      default:
        if (s.path("enum").isArray()) {
          List<String> values = new ArrayList<>();
          s.get("enum").forEach(v -> values.add(v.asText()));
          return JsonEnumSchema.builder().description(description).enumValues(values).build();
        }
        return JsonStringSchema.builder().description(description).build();
    }
  }
}
