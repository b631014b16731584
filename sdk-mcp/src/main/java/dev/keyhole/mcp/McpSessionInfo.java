package dev.keyhole.mcp;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What is known about an MCP session when its Keyhole task is opened: the transport
 * ({@code "stdio"} or {@code "http"}) and the client's self-reported name, when it has sent it
 * already (over stdio the task opens before the client's {@code initialize}).
 *
 * @param transport {@code "stdio"} or {@code "http"}
 * @param clientName the client's name from {@code initialize}, or null when not known yet
 */
public record McpSessionInfo(String transport, @Nullable String clientName) {
  public McpSessionInfo {
    Objects.requireNonNull(transport, "transport");
  }
}
