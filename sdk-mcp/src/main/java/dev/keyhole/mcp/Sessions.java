package dev.keyhole.mcp;

import dev.keyhole.Keyhole;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One Keyhole task per MCP session: opened when the session starts, closed when it ends (client
 * disconnect, HTTP DELETE, idle timeout, server shutdown) or when the task's TTL runs out. A session
 * whose task is closed stays dead: its calls are refused and, over HTTP, its id answers 404 so that
 * the client starts a new session (and so a new task).
 */
final class Sessions {
  /** One MCP session's state. */
  static final class Session {
    final String id;
    final TaskScope task;
    final McpSessionInfo info;
    volatile Instant lastSeen;
    private @Nullable UpstreamProcess upstream;
    private boolean closed;

    Session(String id, TaskScope task, McpSessionInfo info, Instant now) {
      this.id = id;
      this.task = task;
      this.info = info;
      this.lastSeen = now;
    }

    /** This session's upstream child, started on first use (in this session's task). */
    synchronized UpstreamProcess upstream(Function<TaskScope, UpstreamProcess> start) {
      if (closed) {
        throw new dev.keyhole.TaskClosedException("This MCP session has ended; reconnect to"
            + " start a new session", false);
      }
      if (upstream == null || !upstream.isAlive()) {
        if (upstream != null) {
          upstream.close();
        }
        upstream = start.apply(task);
      }
      return upstream;
    }

    synchronized void adoptUpstream(UpstreamProcess up) {
      this.upstream = up;
    }

    synchronized Optional<UpstreamProcess> runningUpstream() {
      return Optional.ofNullable(upstream);
    }

    synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (upstream != null) {
          upstream.close();
        }
      } finally {
        upstream = null;
        task.close();
      }
    }

    synchronized boolean isClosed() {
      return closed;
    }
  }

  private final Keyhole keyhole;
  private final Function<McpSessionInfo, TaskOptions> taskOptions;
  private final Duration idleTimeout;
  private final Clock clock;
  private final Map<String, Session> open = new ConcurrentHashMap<>();
  private final Map<String, Boolean> ended = new ConcurrentHashMap<>();
  private final java.util.function.Consumer<TaskScope> onClosed;
  private @Nullable Session pending;

  Sessions(Keyhole keyhole, Function<McpSessionInfo, TaskOptions> taskOptions,
      Duration idleTimeout, java.util.function.Consumer<TaskScope> onClosed) {
    this.onClosed = onClosed;
    this.keyhole = keyhole;
    this.taskOptions = taskOptions;
    this.idleTimeout = idleTimeout;
    this.clock = keyhole.clock();
  }

  /** Opens a task for a session that starts later ({@link #open} adopts it), e.g. stdio's one. */
  synchronized Session preOpen(McpSessionInfo info) {
    TaskScope task = keyhole.openTask(taskOptions.apply(info));
    pending = new Session("", task, info, clock.instant());
    return pending;
  }

  /** A session started: opens its task (or adopts the pre-opened one). */
  synchronized Session open(String sessionId, McpSessionInfo info) {
    Session s;
    if (pending != null) {
      Session p = pending;
      pending = null;
      s = new Session(sessionId, p.task, p.info, clock.instant());
      p.runningUpstream().ifPresent(s::adoptUpstream);
    } else {
      s = new Session(sessionId, keyhole.openTask(taskOptions.apply(info)), info, clock.instant());
    }
    open.put(sessionId, s);
    return s;
  }

  /** The live session {@code sessionId}, touched; empty when unknown or ended. */
  Optional<Session> get(String sessionId) {
    Session s = open.get(sessionId);
    if (s != null) {
      s.lastSeen = clock.instant();
    }
    return Optional.ofNullable(s);
  }

  /** Whether {@code sessionId} was a session of this server that has ended. */
  boolean hasEnded(String sessionId) {
    return ended.containsKey(sessionId);
  }

  /** Ends a session: its upstream child is stopped and its task closed. Idempotent. */
  void close(String sessionId) {
    Session s = open.remove(sessionId);
    if (s != null) {
      ended.put(sessionId, Boolean.TRUE);
      try {
        s.close();
      } finally {
        onClosed.accept(s.task);
      }
    }
  }

  /**
   * Ends sessions whose task has expired, and HTTP sessions idle longer than the idle timeout (a
   * stdio session lives as long as its pipe).
   */
  void sweep() {
    Instant now = clock.instant();
    for (Session s : List.copyOf(open.values())) {
      boolean idle = "http".equals(s.info.transport())
          && Duration.between(s.lastSeen, now).compareTo(idleTimeout) > 0;
      if (!s.task.isOpen() || idle) {
        close(s.id);
      }
    }
  }

  /** Ends every session (server shutdown). */
  void closeAll() {
    Session p;
    synchronized (this) {
      p = pending;
      pending = null;
    }
    if (p != null) {
      p.close();
    }
    for (String id : List.copyOf(open.keySet())) {
      close(id);
    }
  }

  int size() {
    return open.size();
  }
}
