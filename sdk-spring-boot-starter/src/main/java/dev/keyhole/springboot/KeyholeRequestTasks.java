package dev.keyhole.springboot;

import dev.keyhole.Keyhole;
import dev.keyhole.KeyholeException;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.springai.KeyholeSpringAi;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A Keyhole task per web request: opened when the request starts (task id {@code http-<uuid>},
 * agent id the caller's principal name when authenticated), closed when it ends, whatever happens.
 * Enable with {@code keyhole.web.request-tasks=true}; the task gets {@code keyhole.web.grants}.
 *
 * <pre>{@code
 * chatClient.prompt().user(question).toolContext(KeyholeRequestTasks.toolContext()).call();
 * }</pre>
 */
public final class KeyholeRequestTasks extends OncePerRequestFilter {
  /** The request attribute holding the request's {@link TaskScope}. */
  public static final String ATTRIBUTE = KeyholeRequestTasks.class.getName() + ".task";

  private final Keyhole keyhole;
  private final List<String> grants;

  public KeyholeRequestTasks(Keyhole keyhole, List<String> grants) {
    this.keyhole = keyhole;
    this.grants = List.copyOf(grants);
  }

  /**
   * The task of the current request.
   *
   * @throws KeyholeException outside a request, or when request tasks are not enabled
   */
  public static TaskScope current() {
    RequestAttributes attrs = RequestContextHolder.getRequestAttributes();
    Object task = attrs == null ? null : attrs.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
    if (task instanceof TaskScope t) {
      return t;
    }
    throw new KeyholeException("No Keyhole task is open for this request; set"
        + " keyhole.web.request-tasks=true (and keyhole.web.grants), or open a task yourself");
  }

  /** The tool context that runs the current request's tool calls in its task. */
  public static Map<String, Object> toolContext() {
    return KeyholeSpringAi.toolContext(current());
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    TaskOptions.Builder options = TaskOptions.builder().taskId("http-" + UUID.randomUUID())
        .grants(grants.toArray(String[]::new));
    Principal caller = request.getUserPrincipal();
    if (caller != null && caller.getName() != null && !caller.getName().isBlank()) {
      options.agentId(caller.getName());
    }
    try (TaskScope task = keyhole.openTask(options.build())) {
      request.setAttribute(ATTRIBUTE, task);
      try {
        chain.doFilter(request, response);
      } finally {
        request.removeAttribute(ATTRIBUTE);
      }
    }
  }
}
