package dev.keyhole.langchain4j;

import dev.keyhole.HandleParameter;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.keyhole.ConfigurationException;
import dev.keyhole.HandleMatch;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.ToolInvocation;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.internal.Json;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.invocation.InvocationParameters;
import dev.langchain4j.invocation.LangChain4jManaged;
import dev.langchain4j.service.tool.ToolExecutionResult;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A {@code @Tool} method with {@link Secret} parameters: what it declares (handle parameters, the
 * {@link Destination} parameter) and, for methods with {@link SecretValue} parameters, how it is
 * invoked — LangChain4j's own executor cannot hand a {@code SecretValue} to a method.
 *
 * <p>Arguments are bound the way LangChain4j binds them: {@code @ToolMemoryId}, {@code
 * InvocationParameters}, {@code InvocationContext} and managed parameters from the context; other
 * parameters by name ({@code @P(name)} or the compiled name) from the JSON arguments, {@code
 * Optional} for absent values, {@code @P(defaultValue)} when absent. Each {@code SecretValue}
 * argument is a copy destroyed when the method returns.
 */
final class SecretToolMethod implements GuardedToolExecutor.Invoker {
  private static final ObjectMapper JSON = new ObjectMapper();

  private enum Kind { MEMORY_ID, INVOCATION_PARAMETERS, INVOCATION_CONTEXT, MANAGED, SECRET_STRING,
    SECRET_VALUE, OPTIONAL, PLAIN }

  private record Param(Kind kind, String name, Class<?> rawType, JavaType type, @Nullable P p) {}

  /** What a tool method declares about secrets. */
  record Shape(Map<String, HandleParameter> handleParameters, @Nullable String destinationParameter,
      boolean takesSecretValues) {}

  private final Object target;
  private final Method method;
  private final String toolName;
  private final List<Param> params;

  SecretToolMethod(Object target, Method method, String toolName) {
    this.target = target;
    this.method = method;
    this.toolName = toolName;
    List<Param> ps = new ArrayList<>();
    for (Parameter p : method.getParameters()) {
      ps.add(param(p));
    }
    this.params = List.copyOf(ps);
  }

  /**
   * Reads and validates the method's {@link Secret} and {@link Destination} parameters.
   *
   * @throws ConfigurationException for a {@code @Secret} parameter of another type than String or
   *     SecretValue, a SecretValue parameter without {@code @Secret}, an embedded SecretValue, a
   *     parameter whose name is not available (compile with {@code -parameters}), or two
   *     destinations
   */
  static Shape inspect(String toolName, Method method) {
    Map<String, HandleParameter> handles = new LinkedHashMap<>();
    String destination = null;
    boolean values = false;
    for (Parameter p : method.getParameters()) {
      Secret s = p.getAnnotation(Secret.class);
      boolean isValue = p.getType() == SecretValue.class;
      if (isValue && s == null) {
        throw new ConfigurationException("Parameter '" + nameOf(p) + "' of tool '" + toolName
            + "' (" + where(method) + ") is a SecretValue but not annotated with @Secret; annotate"
            + " it so that the model is told to pass a handle");
      }
      if (s != null) {
        String name = requireName(p, toolName, method, "@Secret");
        if (!isValue && p.getType() != String.class) {
          throw new ConfigurationException("@Secret parameter '" + name + "' of tool '" + toolName
              + "' (" + where(method) + ") has type " + p.getType().getSimpleName() + "; use String"
              + " or SecretValue");
        }
        if (isValue && s.embedded()) {
          throw new ConfigurationException("@Secret parameter '" + name + "' of tool '" + toolName
              + "' is a SecretValue and cannot be embedded in text; use a String parameter for"
              + " text such as 'Bearer secret://name'");
        }
        values |= isValue;
        handles.put(name, HandleParameter.of(name).withHandles(s.handles()).embedded(s.embedded()));
      }
      if (p.isAnnotationPresent(Destination.class)) {
        String name = requireName(p, toolName, method, "@Destination");
        if (p.getType() != String.class) {
          throw new ConfigurationException("@Destination parameter '" + name + "' of tool '"
              + toolName + "' has type " + p.getType().getSimpleName() + "; use a String holding a"
              + " URL or a host");
        }
        if (destination != null) {
          throw new ConfigurationException("Tool '" + toolName + "' has two @Destination parameters ('"
              + destination + "' and '" + name + "'); a tool call has one destination");
        }
        if (s != null) {
          throw new ConfigurationException("Parameter '" + name + "' of tool '" + toolName + "' is"
              + " both @Secret and @Destination; a destination cannot be a secret");
        }
        destination = name;
      }
    }
    return new Shape(handles, destination, values);
  }

  private static String requireName(Parameter p, String tool, Method m, String what) {
    P ann = p.getAnnotation(P.class);
    if (ann != null && !ann.name().isBlank()) {
      return ann.name();
    }
    if (!p.isNamePresent()) {
      throw new ConfigurationException(what + " parameter " + p.getName() + " of tool '" + tool
          + "' (" + where(m) + ") has no name at run time. Compile the tool class with 'javac"
          + " -parameters' (Maven: <maven.compiler.parameters>true</maven.compiler.parameters>),"
          + " or name it with @P(name = \"...\")");
    }
    return p.getName();
  }

  private static String where(Method m) {
    return m.getDeclaringClass().getName() + "." + m.getName();
  }

  private static String nameOf(Parameter p) {
    P ann = p.getAnnotation(P.class);
    return ann != null && !ann.name().isBlank() ? ann.name() : p.getName();
  }

  private static Param param(Parameter p) {
    Class<?> raw = p.getType();
    Type generic = p.getParameterizedType();
    JavaType type = JSON.getTypeFactory().constructType(generic);
    P ann = p.getAnnotation(P.class);
    String name = nameOf(p);
    Kind kind;
    if (p.isAnnotationPresent(ToolMemoryId.class)) {
      kind = Kind.MEMORY_ID;
    } else if (InvocationParameters.class.isAssignableFrom(raw)) {
      kind = Kind.INVOCATION_PARAMETERS;
    } else if (raw == InvocationContext.class) {
      kind = Kind.INVOCATION_CONTEXT;
    } else if (LangChain4jManaged.class.isAssignableFrom(raw)) {
      kind = Kind.MANAGED;
    } else if (p.isAnnotationPresent(Secret.class)) {
      kind = raw == SecretValue.class ? Kind.SECRET_VALUE : Kind.SECRET_STRING;
    } else if (raw == Optional.class) {
      kind = Kind.OPTIONAL;
      Type inner = generic instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
      type = JSON.getTypeFactory().constructType(inner);
    } else {
      kind = Kind.PLAIN;
    }
    return new Param(kind, name, raw, type, ann);
  }

  @Override
  public boolean substitutes() {
    return false;
  }

  @Override
  public ToolExecutionResult invoke(ToolExecutionRequest request, ToolInvocation invocation,
      @Nullable InvocationContext context) throws Exception {
    // The guard parsed the arguments once; without substitution its tree is the original one.
    JsonNode args = invocation.argumentsTree();
    List<SecretValue> copies = new ArrayList<>();
    try {
      Object[] values = new Object[params.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = bind(params.get(i), args, invocation, context, copies);
      }
      Object result;
      try {
        result = method.invoke(target, values);
      } catch (IllegalAccessException e) {
        method.setAccessible(true);
        result = method.invoke(target, values);
      }
      return toResult(result);
    } catch (InvocationTargetException e) {
      throw new ToolExecutionException(e.getCause());
    } finally {
      copies.forEach(SecretValue::destroy);
    }
  }

  private @Nullable Object bind(Param p, JsonNode args, ToolInvocation inv,
      @Nullable InvocationContext ctx, List<SecretValue> copies) {
    switch (p.kind) {
      case MEMORY_ID -> {
        return ctx == null ? null : ctx.chatMemoryId();
      }
      case INVOCATION_PARAMETERS -> {
        return ctx == null ? null : ctx.invocationParameters();
      }
      case INVOCATION_CONTEXT -> {
        return ctx;
      }
      case MANAGED -> {
        return ctx == null ? null : ctx.managedParameters().get(p.rawType);
      }
      default -> {
        // bound from the model's JSON arguments, below
      }
    }
    JsonNode node = args == null ? null : args.get(p.name);
    boolean absent = node == null || node.isNull();
    switch (p.kind) {
      case SECRET_VALUE -> {
        if (absent) {
          return null;
        }
        SecretValue copy = inv.secret(SecretHandle.parse(node.asText()).name()).copy();
        copies.add(copy);
        return copy;
      }
      case SECRET_STRING -> {
        return absent ? null : substitute(node.asText(), inv);
      }
      case OPTIONAL -> {
        return absent ? Optional.empty() : Optional.ofNullable(convert(node, p));
      }
      default -> {
        if (!absent) {
          return convert(node, p);
        }
        if (p.p != null && !P.NO_DEFAULT.equals(p.p.defaultValue())) {
          return defaultValue(p);
        }
        if (p.rawType.isPrimitive()) {
          throw new ToolArgumentsException("Required parameter \"" + p.name + "\" of tool \""
              + toolName + "\" is missing");
        }
        return null;
      }
    }
  }

  private static String substitute(String text, ToolInvocation inv) {
    List<HandleMatch> matches = SecretHandle.findAll(text);
    if (matches.isEmpty()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length() + 32);
    int pos = 0;
    for (HandleMatch m : matches) {
      sb.append(text, pos, m.start());
      sb.append(m.valid() ? inv.secret(m.handle().name()).revealString() : text.substring(m.start(), m.end()));
      pos = m.end();
    }
    return sb.append(text, pos, text.length()).toString();
  }

  private Object convert(JsonNode node, Param p) {
    try {
      return JSON.convertValue(node, p.type);
    } catch (IllegalArgumentException e) {
      throw new ToolArgumentsException("Argument \"" + p.name + "\" of tool \"" + toolName
          + "\" is not a valid " + p.type.getRawClass().getSimpleName() + ": "
          + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private Object defaultValue(Param p) {
    String d = p.p.defaultValue();
    Class<?> c = p.type.getRawClass();
    try {
      JsonNode node = c == String.class || c.isEnum() || c == UUID.class ? TextNode.valueOf(d) : JSON.readTree(d);
      return convert(node, p);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ToolArgumentsException("Default value of parameter \"" + p.name + "\" of tool \""
          + toolName + "\" is not valid JSON");
    }
  }

  private ToolExecutionResult toResult(@Nullable Object result) {
    List<Content> contents = contents(result);
    if (contents != null) {
      return ToolExecutionResult.builder().result(result).resultContents(contents).build();
    }
    String text;
    Class<?> rt = method.getReturnType();
    if (rt == void.class) {
      text = "Success";
    } else if (rt == String.class) {
      text = result == null ? "null" : (String) result;
    } else {
      text = Json.toJson(result);
    }
    return ToolExecutionResult.builder().result(result).resultText(text).build();
  }

  private static @Nullable List<Content> contents(@Nullable Object result) {
    if (result instanceof Image image) {
      return List.of(ImageContent.from(image));
    } else if (result instanceof Content content) {
      return List.of(content);
    } else if (result instanceof Collection<?> c && !c.isEmpty() && c.iterator().next() instanceof Content) {
      return c.stream().map(Content.class::cast).toList();
    } else if (result instanceof Content[] array) {
      return List.of(array);
    }
    return null;
  }
}
