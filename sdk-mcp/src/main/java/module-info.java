/**
 * Keyhole for MCP: the broker server and gateway for coding agents. Exports the API package only.
 */
module dev.keyhole.mcp {
  requires transitive dev.keyhole.core;
  requires io.modelcontextprotocol.sdk.mcp.core;
  requires io.modelcontextprotocol.sdk.mcp.json.jackson2;
  requires reactor.core;
  requires org.reactivestreams;
  requires jakarta.servlet;
  requires org.eclipse.jetty.server;
  requires org.eclipse.jetty.ee10.servlet;
  requires org.eclipse.jetty.util;
  requires com.fasterxml.jackson.databind;

  exports dev.keyhole.mcp;
}
