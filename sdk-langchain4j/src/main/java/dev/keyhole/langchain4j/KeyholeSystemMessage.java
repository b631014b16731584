package dev.keyhole.langchain4j;

import dev.keyhole.Grant;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskScope;
import dev.langchain4j.invocation.InvocationContext;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Tells the model which secret handles the current task grants, from the policy, so that
 * applications stop writing that list by hand: each handle with its grant's {@code description:}
 * and the tools that may use it.
 *
 * <pre>{@code
 * Assistant assistant = KeyholeLangChain4j.builder(keyhole).chatModel(model).tools(new RepoTools())
 *     .aiServices(Assistant.class)
 *     .systemMessageProvider(id -> "You are a release engineer.")
 *     .systemMessageTransformer(KeyholeSystemMessage.appendHandles())
 *     .build();
 * }</pre>
 *
 * <p>The text the model reads, for a task with two grants:
 *
 * <pre>
 * Secrets: you never see secret values, and must never ask for them. To use a secret, pass its
 * handle (such as secret://github_token) to a tool parameter that takes handles; the tool gets
 * the value when it runs, if the policy allows. Handles of this task:
 * - secret://github_token: GitHub token of acme/app (tools: open_issues, http_request)
 * - secret://db_password (tools: query_db)
 * </pre>
 *
 * <p>Security: the list holds handle names, policy descriptions and tool names, never a value or a
 * reference; the guarded chat model redacts it like every message.
 */
public final class KeyholeSystemMessage {
  private KeyholeSystemMessage() {}

  /** The paragraph that lists the handles {@code task} grants. */
  public static String handles(TaskScope task) {
    List<SecretHandle> handles = task.handles().stream()
        .sorted(Comparator.comparing(SecretHandle::name)).toList();
    if (handles.isEmpty()) {
      return "Secrets: this task grants no secret handles; you never see secret values.";
    }
    StringBuilder sb = new StringBuilder("Secrets: you never see secret values, and must never ask"
        + " for them. To use a secret, pass its handle (such as " + handles.get(0).token() + ") to a"
        + " tool parameter that takes handles; the tool gets the value when it runs, if the policy"
        + " allows. Handles of this task:");
    for (SecretHandle h : handles) {
      sb.append("\n- ").append(h.token());
      Optional<Grant> g = task.grantFor(h);
      g.flatMap(Grant::description).ifPresent(d -> sb.append(": ").append(d.strip()));
      g.ifPresent(grant -> sb.append(" (tools: ").append(grant.tools().contains(Grant.ANY_TOOL)
          ? "any" : String.join(", ", grant.tools())).append(')'));
    }
    return task.redactor().redact(sb.toString());
  }

  /**
   * A transformer for {@code AiServices.systemMessageTransformer} that appends {@link
   * #handles(TaskScope)} for the task of each call ({@code InvocationParameters} or {@link
   * dev.keyhole.TaskContext}); without a task the system message is left as it is.
   */
  public static BiFunction<String, InvocationContext, String> appendHandles() {
    return (@Nullable String text, InvocationContext context) -> {
      TaskScope task = CallTask.find(context);
      if (task == null) {
        return text;
      }
      String list = handles(task);
      return text == null || text.isBlank() ? list : text.strip() + "\n\n" + list;
    };
  }
}
