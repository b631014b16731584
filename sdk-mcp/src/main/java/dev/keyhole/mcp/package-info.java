/**
 * Keyhole for coding agents over MCP: {@link dev.keyhole.mcp.KeyholeMcpServer} serves Keyhole's
 * tools (and, as a gateway, an existing stdio MCP server's tools) to any MCP client, over stdio or
 * streamable HTTP, one Keyhole task per MCP session, with approval through elicitation.
 */
@NullMarked
package dev.keyhole.mcp;

import org.jspecify.annotations.NullMarked;
