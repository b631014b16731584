package dev.keyhole;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The context of one attempt to use a handle: which tool, towards which destination host, running
 * which command, with which (handle-bearing, value-free) arguments. Policy is checked against it.
 *
 * @param toolName the calling tool
 * @param destination the destination host, or null when the call has none
 * @param command the executable name for process tools, or null
 * @param arguments the call's arguments as the model wrote them (handles, no values), for approval
 * @param plainHttp whether the destination is reached over plain {@code http://}
 */
public record Use(
    String toolName,
    @Nullable String destination,
    @Nullable String command,
    String arguments,
    boolean plainHttp) {
  public Use {
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(arguments, "arguments");
  }

  /** A use by {@code toolName} with no destination or command. */
  public static Use byTool(String toolName) {
    return new Use(toolName, null, null, "{}", false);
  }

  /** A use by {@code toolName} towards {@code host}. */
  public static Use towards(String toolName, String host) {
    return new Use(toolName, host, null, "{}", false);
  }

  public Use withArguments(String args) {
    return new Use(toolName, destination, command, args, plainHttp);
  }

  public Use withCommand(String executable) {
    return new Use(toolName, destination, executable, arguments, plainHttp);
  }

  public Use withDestination(@Nullable String host, boolean overPlainHttp) {
    return new Use(toolName, host, command, arguments, overPlainHttp);
  }
}
