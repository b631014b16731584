package dev.keyhole;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What a tool declares to the {@link ToolGuard}: which parameters take handles, where the call
 * sends them (its destination) and, for process tools, which command it runs. The guard checks
 * every call against it before anything resolves:
 *
 * <ul>
 *   <li>handles are accepted only in {@linkplain Builder#handleParameters declared handle
 *       parameters}; a tool with none declared takes no handle at all;
 *   <li>the destination comes from {@linkplain Builder#destinationParameter a parameter}, {@linkplain
 *       Builder#destination(Function) a function of the arguments} or {@linkplain
 *       Builder#destination(Destination) a fixed value}; a declared destination that is missing, null,
 *       not text or unparseable is <em>unknown</em>, and a grant that lists destinations denies a use
 *       with an unknown destination (fail closed);
 *   <li>the command (program and arguments) is checked against the grants' {@code commands}, and
 *       the {@linkplain Builder#environmentParameter environment} a handle goes into against their
 *       {@code env}.
 * </ul>
 *
 * Immutable; independent of any task, so one declaration serves every task.
 */
public final class ToolDeclaration {
  private final String name;
  private final Map<String, HandleParameter> handleParameters;
  private final @Nullable String destinationParameter;
  private final @Nullable Function<JsonNode, Optional<String>> destinationFunction;
  private final @Nullable Destination fixedDestination;
  private final @Nullable Function<JsonNode, Optional<List<String>>> command;
  private final @Nullable String environmentParameter;

  private ToolDeclaration(Builder b) {
    this.name = b.name;
    this.handleParameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.handleParameters));
    this.destinationParameter = b.destinationParameter;
    this.destinationFunction = b.destinationFunction;
    this.fixedDestination = b.fixedDestination;
    this.command = b.command;
    this.environmentParameter = b.environmentParameter;
  }

  public static Builder builder(String toolName) {
    return new Builder(toolName);
  }

  /** A declaration of {@code toolName} with nothing declared: it takes no handles. */
  public static ToolDeclaration undeclared(String toolName) {
    return builder(toolName).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.handleParameters.putAll(handleParameters);
    b.destinationParameter = destinationParameter;
    b.destinationFunction = destinationFunction;
    b.fixedDestination = fixedDestination;
    b.command = command;
    b.environmentParameter = environmentParameter;
    return b;
  }

  /** The tool name, as policy grants list it in {@code tools}. */
  public String name() {
    return name;
  }

  /** The handle parameters by path; empty means the tool takes no handles. */
  public Map<String, HandleParameter> handleParameters() {
    return handleParameters;
  }

  /** Whether the tool says where its calls go (parameter, function or fixed). */
  public boolean declaresDestination() {
    return destinationParameter != null || destinationFunction != null || fixedDestination != null;
  }

  /** The parameter that holds the destination, when declared that way. */
  public Optional<String> destinationParameter() {
    return Optional.ofNullable(destinationParameter);
  }

  /**
   * The destination text of one call's (handle-bearing) arguments: empty when undeclared, missing,
   * null or not text.
   */
  public Optional<String> destinationText(JsonNode arguments) {
    if (fixedDestination != null) {
      return Optional.of(fixedDestination.toString());
    }
    if (destinationParameter != null) {
      JsonNode n = arguments;
      for (String seg : destinationParameter.split("\\.", -1)) {
        n = n == null ? null : n.get(seg);
      }
      return n != null && n.isTextual() ? Optional.of(n.textValue()) : Optional.empty();
    }
    if (destinationFunction != null) {
      Optional<String> d = destinationFunction.apply(arguments);
      return d == null ? Optional.empty() : d;
    }
    return Optional.empty();
  }

  /** The command (program first) of one call, when the tool declares one. */
  public Optional<List<String>> command(JsonNode arguments) {
    if (command == null) {
      return Optional.empty();
    }
    Optional<List<String>> c = command.apply(arguments);
    return c == null ? Optional.empty() : c.filter(l -> !l.isEmpty());
  }

  /**
   * The environment variables one call sets (the text values of the declared environment
   * parameter, handles and all); empty when undeclared, missing or not an object.
   */
  public Map<String, String> environment(JsonNode arguments) {
    if (environmentParameter == null) {
      return Map.of();
    }
    JsonNode n = arguments;
    for (String seg : environmentParameter.split("\\.", -1)) {
      n = n == null ? null : n.get(seg);
    }
    if (n == null || !n.isObject()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (e.getValue().isTextual()) {
        out.put(e.getKey(), e.getValue().textValue());
      }
    }
    return out;
  }

  /** Whether the tool declares a command extractor. */
  public boolean declaresCommand() {
    return command != null;
  }

  @Override
  public String toString() {
    return "ToolDeclaration[" + name + ", handleParameters=" + handleParameters.keySet()
        + (destinationParameter != null ? ", destinationParameter=" + destinationParameter : "")
        + (destinationFunction != null ? ", destination=computed" : "")
        + (fixedDestination != null ? ", destination=" + fixedDestination : "")
        + (command != null ? ", command=computed" : "")
        + (environmentParameter != null ? ", environmentParameter=" + environmentParameter : "")
        + "]";
  }

  /** Builds a {@link ToolDeclaration}. */
  public static final class Builder {
    private final String name;
    private final Map<String, HandleParameter> handleParameters = new LinkedHashMap<>();
    private @Nullable String destinationParameter;
    private @Nullable Function<JsonNode, Optional<String>> destinationFunction;
    private @Nullable Destination fixedDestination;
    private @Nullable Function<JsonNode, Optional<List<String>>> command;
    private @Nullable String environmentParameter;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "toolName");
      if (name.isBlank()) {
        throw new IllegalArgumentException("A tool name may not be blank");
      }
    }

    /**
     * Parameters (a property name, or dotted names for nested properties) that take a whole
     * handle token such as {@code secret://github_token}; a parameter covers its whole subtree.
     */
    public Builder handleParameters(String... paths) {
      for (String p : paths) {
        handleParameter(HandleParameter.of(p));
      }
      return this;
    }

    /** One handle parameter (restricted handles, embedded in text, ...). */
    public Builder handleParameter(HandleParameter parameter) {
      handleParameters.put(parameter.path(), Objects.requireNonNull(parameter, "parameter"));
      return this;
    }

    /** The argument (property name or dotted path) that holds the URL or host the call sends to. */
    public Builder destinationParameter(String path) {
      clearDestination();
      this.destinationParameter = HandleParameter.of(path).path();
      return this;
    }

    /** A function from the call's (handle-bearing) arguments to its URL or host; empty = unknown. */
    public Builder destination(Function<JsonNode, Optional<String>> extractor) {
      clearDestination();
      this.destinationFunction = Objects.requireNonNull(extractor, "extractor");
      return this;
    }

    /** Every call of the tool goes to {@code destination}. */
    public Builder destination(Destination destination) {
      clearDestination();
      this.fixedDestination = Objects.requireNonNull(destination, "destination");
      return this;
    }

    private void clearDestination() {
      destinationParameter = null;
      destinationFunction = null;
      fixedDestination = null;
    }

    /** A function from the call's arguments to the program and arguments it will run. */
    public Builder command(Function<JsonNode, Optional<List<String>>> extractor) {
      this.command = Objects.requireNonNull(extractor, "extractor");
      return this;
    }

    /**
     * The argument (an object of variable name to text) that holds the environment variables a
     * process call sets; the policy check allows a handle only in variables its grant's {@code
     * env} maps to it.
     */
    public Builder environmentParameter(String path) {
      this.environmentParameter = HandleParameter.of(path).path();
      return this;
    }

    public ToolDeclaration build() {
      return new ToolDeclaration(this);
    }
  }
}
