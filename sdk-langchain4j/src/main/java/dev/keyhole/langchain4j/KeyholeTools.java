package dev.keyhole.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.Redactor;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolGuard;
import dev.keyhole.ToolInvocation;
import dev.keyhole.tools.AgentTool;
import dev.keyhole.tools.HttpTool;
import dev.keyhole.tools.ProcessTool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Keyhole's ready-made tools ({@link ProcessTool}, {@link HttpTool}, any {@link AgentTool}) as
 * LangChain4j tools, one line each:
 *
 * <pre>{@code
 * ProcessTool run = ProcessTool.builder(workspace).commands("make", "deploy.sh").build();
 * Assistant assistant = KeyholeLangChain4j.builder(keyhole).chatModel(model)
 *     .tools(run, HttpTool.create())               // one service for every task
 *     .build(Assistant.class);
 * // for one task: KeyholeLangChain4j.forTask(task).tools(KeyholeTools.aiServiceTools(task, run))
 * // or, without the entry point: AiServices.builder(Assistant.class).tools(KeyholeTools.of(task, run))
 * }</pre>
 *
 * <p>The specification carries the tool's description, which names the handles the task grants to
 * the tool (never values), and its argument schema. The executor is a {@link GuardedToolExecutor}
 * whose guard also checks what the tool declares (the HTTP tool's destination host and transport,
 * the process tool's command), so {@link GuardedTools} and {@link KeyholeLangChain4j} take it as
 * already guarded and do not wrap it again.
 *
 * <p>Security: denials come back to the model as error results with Keyhole's value-free text;
 * failures as LangChain4j tool errors whose message is redacted and unchained (see {@link
 * GuardedToolExecutor}).
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
    return specificationFor(Objects.requireNonNull(task, "task"), tool);
  }

  /** The specification for {@code task}, or, with no task, one that says the tool needs one. */
  static ToolSpecification specificationFor(@Nullable TaskScope task, AgentTool tool) {
    String description = task != null ? tool.description(task) : "Keyhole tool '" + tool.name()
        + "'. It takes secret handles and runs only inside a Keyhole task; none is bound to this"
        + " call, so calling it fails.";
    return ToolSpecification.builder().name(tool.name()).description(description)
        .parameters((JsonObjectSchema) schema(tool.parametersSchema())).build();
  }

  /** The tools as {@link AiServiceTool}s, for {@link KeyholeLangChain4j#tools(List)} or AiServices. */
  public static List<AiServiceTool> aiServiceTools(TaskScope task, AgentTool... tools) {
    List<AiServiceTool> out = new ArrayList<>();
    for (AgentTool t : tools) {
      out.add(AiServiceTool.builder().toolSpecification(specification(task, t))
          .toolExecutor(executor(task, t)).build());
    }
    return out;
  }

  /** A guarded executor that runs {@code tool} in {@code task} and returns its (redacted) text. */
  public static GuardedToolExecutor executor(TaskScope task, AgentTool tool) {
    return executor(Objects.requireNonNull(task, "task"), tool, task.redactor());
  }

  /** The executor for {@code task}, or for the task of each call when {@code task} is null. */
  static GuardedToolExecutor executor(@Nullable TaskScope task, AgentTool tool, Redactor redactor) {
    ToolGuard guard = tool.configure(ToolGuard.builder()).substitute(false).build();
    return new GuardedToolExecutor(tool.name(), task, guard, new GuardedToolExecutor.Invoker() {
      @Override
      public boolean substitutes() {
        return false; // the tool reads the original arguments and the values by handle
      }

      @Override
      public boolean needsTask() {
        return true;
      }

      @Override
      public ToolExecutionResult invoke(ToolExecutionRequest request,
          @Nullable ToolInvocation invocation, @Nullable InvocationContext context) {
        return ToolExecutionResult.builder()
            .resultText(tool.run(Objects.requireNonNull(invocation, "invocation"))).build();
      }
    }, redactor);
  }

  /** Converts the subset of JSON schema the Keyhole tools use. */
  private static JsonSchemaElement schema(JsonNode s) {
    String description = s.path("description").isTextual() ? s.get("description").textValue() : null;
    return switch (s.path("type").asText("string")) {
      case "object" -> {
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
        yield b.build();
      }
      case "array" -> JsonArraySchema.builder().description(description)
          .items(schema(s.path("items"))).build();
      case "integer" -> JsonIntegerSchema.builder().description(description).build();
      case "number" -> JsonNumberSchema.builder().description(description).build();
      case "boolean" -> JsonBooleanSchema.builder().description(description).build();
      default -> {
        if (s.path("enum").isArray()) {
          List<String> values = new ArrayList<>();
          s.get("enum").forEach(v -> values.add(v.asText()));
          yield JsonEnumSchema.builder().description(description).enumValues(values).build();
        }
        yield JsonStringSchema.builder().description(description).build();
      }
    };
  }
}
