package dev.keyhole.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpServerTransportProviderBase;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;

/**
 * Transport-provider decorators that tell {@link Sessions} when an MCP session starts and (for
 * stdio) ends, which the SDK's server has no public hook for. HTTP sessions end through {@link
 * HttpGate} (DELETE), the idle sweep or server shutdown.
 */
final class SessionHooks {
  private SessionHooks() {}

  /** The provider methods both decorators pass through unchanged. */
  private abstract static class Delegating<P extends McpServerTransportProviderBase>
      implements McpServerTransportProviderBase {
    final P delegate;
    final Sessions sessions;

    Delegating(P delegate, Sessions sessions) {
      this.delegate = delegate;
      this.sessions = sessions;
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
      return delegate.notifyClients(method, params);
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
      return delegate.notifyClient(sessionId, method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return delegate.closeGracefully();
    }

    @Override
    public List<String> protocolVersions() {
      return delegate.protocolVersions();
    }
  }

  /** Stdio: one session; it ends when the client closes stdin or the transport is closed. */
  static final class Stdio extends Delegating<McpServerTransportProvider>
      implements McpServerTransportProvider {
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    Stdio(McpServerTransportProvider delegate, Sessions sessions) {
      super(delegate, sessions);
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {
      delegate.setSessionFactory(transport -> {
        Closing closing = new Closing(transport);
        McpServerSession session = factory.create(closing);
        sessions.open(session.getId(), new McpSessionInfo("stdio", null));
        closing.onClose = () -> {
          sessions.close(session.getId());
          ended.complete(null);
        };
        return session;
      });
    }
  }

  /** A session transport that reports its closing once. */
  private static final class Closing implements McpServerTransport {
    private final McpServerTransport delegate;
    volatile Runnable onClose = () -> { };
    private final java.util.concurrent.atomic.AtomicBoolean fired =
        new java.util.concurrent.atomic.AtomicBoolean();

    Closing(McpServerTransport delegate) {
      this.delegate = delegate;
    }

    private void fire() {
      if (fired.compareAndSet(false, true)) {
        onClose.run();
      }
    }

    @Override
    public Mono<Void> closeGracefully() {
      return delegate.closeGracefully().doFinally(s -> fire());
    }

    @Override
    public void close() {
      try {
        delegate.close();
      } finally {
        fire();
      }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
      return delegate.sendMessage(message);
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
      return delegate.unmarshalFrom(data, typeRef);
    }

    @Override
    public List<String> protocolVersions() {
      return delegate.protocolVersions();
    }
  }

  /** Streamable HTTP: a session starts with each {@code initialize}. */
  static final class Streamable extends Delegating<McpStreamableServerTransportProvider>
      implements McpStreamableServerTransportProvider {
    Streamable(McpStreamableServerTransportProvider delegate, Sessions sessions) {
      super(delegate, sessions);
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory factory) {
      delegate.setSessionFactory(init -> {
        McpStreamableServerSession.McpStreamableServerSessionInit started = factory.startSession(init);
        String client = init.clientInfo() == null ? null : init.clientInfo().name();
        sessions.open(started.session().getId(), new McpSessionInfo("http", client));
        return started;
      });
    }
  }
}
