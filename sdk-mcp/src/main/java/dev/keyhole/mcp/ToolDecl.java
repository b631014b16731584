package dev.keyhole.mcp;

import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway knows about one upstream tool: the parameters that may carry handles (top-level
 * names or dotted paths; a declared parameter covers its subtree) and the parameter that holds the
 * URL or host the call sends to.
 */
record ToolDecl(String name, Set<String> handleParameters, @Nullable String destination) {
  ToolDecl {
    handleParameters = Set.copyOf(handleParameters);
  }

  static ToolDecl none(String name) {
    return new ToolDecl(name, Set.of(), null);
  }

  Optional<String> destinationParameter() {
    return Optional.ofNullable(destination);
  }
}
