package dev.keyhole;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.internal.GuardedCall;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The framework-neutral tool-call path, and the heart of every integration. For one call it:
 *
 * <ol>
 *   <li>parses the JSON arguments and finds every handle token (whole values and inside strings);
 *   <li>denies malformed, unknown, foreign or closed-task handles;
 *   <li>checks policy for each handle: tool, destination (from the tool's destination extractor),
 *       use count, TTL, approval;
 *   <li>resolves the values (cache, single-flight, retry, circuit breaker) and substitutes them;
 *   <li>runs the real tool with {@link ToolExecution#current()} set;
 *   <li>destroys the values, then redacts the result — and, if the tool threw, turns the exception
 *       into a {@link ToolFailedException} whose message and trace are redacted and which does not
 *       chain the original.
 * </ol>
 *
 * Framework modules adapt their tool types onto {@link #call}. Thread-safe; create once per task
 * (cheap) or use {@link TaskScope#toolGuard()}.
 */
public final class ToolGuard {
  private final TaskScope task;
  private final Map<String, Function<JsonNode, Optional<String>>> destinations;
  private final Map<String, Function<JsonNode, Optional<String>>> commands;
  private final boolean substitute;

  private ToolGuard(Builder b) {
    this.task = b.task;
    this.destinations = Map.copyOf(b.destinations);
    this.commands = Map.copyOf(b.commands);
    this.substitute = b.substitute;
  }

  /** A guard for {@code task} with default settings (no destinations, substitution on). */
  public static ToolGuard of(TaskScope task) {
    return builder(task).build();
  }

  public static Builder builder(TaskScope task) {
    return new Builder(task);
  }

  public TaskScope task() {
    return task;
  }

  /**
   * Runs one tool call through the guard.
   *
   * @param toolName the tool's name (what policy lists)
   * @param argumentsJson the arguments as the model wrote them (JSON object text; blank means {})
   * @param body the real tool
   * @return the tool's result, redacted
   * @throws PolicyViolationException when policy denies a handle (before the tool runs)
   * @throws TaskClosedException when the task is closed or expired (before the tool runs)
   * @throws InvalidHandleException for a malformed handle token (before the tool runs)
   * @throws ToolFailedException when the tool throws (message redacted, original not chained)
   */
  public String call(String toolName, String argumentsJson, ToolBody body) {
    return GuardedCall.run(task, toolName, argumentsJson, destinations.get(toolName),
        commands.get(toolName), substitute, body);
  }

  /** As {@link #call(String, String, ToolBody)} with the arguments as a tree. */
  public String call(String toolName, JsonNode arguments, ToolBody body) {
    return call(toolName, arguments.toString(), body);
  }

  /** The real tool, run with handles resolved. */
  @FunctionalInterface
  public interface ToolBody {
    /** Runs the tool; the returned text is redacted before it leaves the guard. */
    String run(ToolInvocation invocation) throws Exception;
  }

  /** Builds a {@link ToolGuard}. */
  public static final class Builder {
    private final TaskScope task;
    private final Map<String, Function<JsonNode, Optional<String>>> destinations = new HashMap<>();
    private final Map<String, Function<JsonNode, Optional<String>>> commands = new HashMap<>();
    private boolean substitute = true;

    private Builder(TaskScope task) {
      this.task = Objects.requireNonNull(task, "task");
    }

    /**
     * Declares how to find the destination of calls to {@code toolName}: a function from the
     * (handle-bearing) arguments to a URL ({@code https://api.github.com/...}) or a bare host.
     * Calls of a tool with a destination may use only grants whose destinations match it.
     */
    public Builder destination(String toolName, Function<JsonNode, Optional<String>> extractor) {
      destinations.put(Objects.requireNonNull(toolName), Objects.requireNonNull(extractor));
      return this;
    }

    /**
     * Declares how to find the executable of calls to {@code toolName} (a process-running tool): a
     * function from the (handle-bearing) arguments to the command it will run. Calls of such a tool
     * may use only grants whose {@link Grant#commands()} list the executable's file name.
     */
    public Builder command(String toolName, Function<JsonNode, Optional<String>> extractor) {
      commands.put(Objects.requireNonNull(toolName), Objects.requireNonNull(extractor));
      return this;
    }

    /**
     * Whether handle tokens in the arguments are replaced by values (default true). Tools that take
     * {@link SecretValue}s through {@link ToolInvocation#secret} can turn it off, so that no value
     * ever becomes a {@code String}.
     */
    public Builder substitute(boolean on) {
      this.substitute = on;
      return this;
    }

    public ToolGuard build() {
      return new ToolGuard(this);
    }
  }
}
