package dev.keyhole;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one tool call asks of a grant: which tool, towards which destination, running which
 * command, with which (model-written, value-free) arguments. The input of the policy check.
 *
 * @param toolName the calling tool
 * @param destination where the value goes, or null when it is unknown (the tool declares none, or
 *     the model did not give one); a grant that lists destinations denies a use with an unknown
 *     destination unless it names the tool in {@code unboundTools}
 * @param command the program and its arguments for process tools, empty otherwise
 * @param arguments the call's arguments as the model wrote them (handles, no values), for approval
 * @param environment the environment variables a process call sets, as the model wrote them
 *     (handles, no values); a handle may go only into variables its grant's {@code env} maps to it
 */
public record Use(
    String toolName,
    @Nullable Destination destination,
    List<String> command,
    String arguments,
    Map<String, String> environment) {
  public Use {
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(arguments, "arguments");
    command = List.copyOf(command);
    environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
  }

  /** A use that sets no environment variables. */
  public Use(String toolName, @Nullable Destination destination, List<String> command,
      String arguments) {
    this(toolName, destination, command, arguments, Map.of());
  }

  /** A use by {@code toolName} with no destination or command. */
  public static Use byTool(String toolName) {
    return new Use(toolName, null, List.of(), "{}");
  }

  /** A use by {@code toolName} towards {@code destination}. */
  public static Use towards(String toolName, Destination destination) {
    return new Use(toolName, Objects.requireNonNull(destination, "destination"), List.of(), "{}");
  }

  /** A use by {@code toolName} towards a URL or bare host, parsed with {@link Destination#parse}. */
  public static Use towards(String toolName, String urlOrHost) {
    return towards(toolName, Destination.parse(urlOrHost));
  }

  public Use withArguments(String args) {
    return new Use(toolName, destination, command, args, environment);
  }

  /** The same use running {@code programAndArgs} (program first). */
  public Use withCommand(List<String> programAndArgs) {
    return new Use(toolName, destination, programAndArgs, arguments, environment);
  }

  /** The same use running {@code program} with {@code args}. */
  public Use withCommand(String program, String... args) {
    List<String> c = new java.util.ArrayList<>();
    c.add(program);
    c.addAll(List.of(args));
    return withCommand(c);
  }

  /** The same use towards a URL or bare host, parsed with {@link Destination#parse}. */
  public Use withDestination(String urlOrHost) {
    return withDestination(Destination.parse(urlOrHost));
  }

  public Use withDestination(@Nullable Destination to) {
    return new Use(toolName, to, command, arguments, environment);
  }

  /** The same use setting {@code variables} (name to the model's text, handles and all). */
  public Use withEnvironment(Map<String, String> variables) {
    return new Use(toolName, destination, command, arguments, variables);
  }

  /** The program's file name (no directory), or null when the use runs no command. */
  public @Nullable String program() {
    if (command.isEmpty()) {
      return null;
    }
    String c = command.get(0).replace('\\', '/');
    int slash = c.lastIndexOf('/');
    return slash >= 0 ? c.substring(slash + 1) : c;
  }
}
