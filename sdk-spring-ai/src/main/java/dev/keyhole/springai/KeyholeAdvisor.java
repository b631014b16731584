package dev.keyhole.springai;

import dev.keyhole.KeyholeException;
import dev.keyhole.Redactor;
import dev.keyhole.Redactor.StreamingRedactor;
import dev.keyhole.TaskScope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The last line of defence in front of the model, as a {@code ChatClient} advisor: every outgoing
 * request and every response — whole or streamed chunk by chunk — passes through Keyhole's
 * redactor, and a request that still holds a live value after redaction is not sent ({@link
 * SecretLeakBlockedException}). Tool calls in a response are passed on as the model wrote them: a
 * value in their arguments must reach the tool guard, which refuses the call ({@code
 * VALUE_IN_ARGUMENTS}); rewriting it to its handle would let a model test guessed values.
 *
 * <p>Per request it also shows the task's own handles to the model: {@link KeyholeToolCallback}s in
 * the request's options are replaced by {@linkplain KeyholeToolCallback#forTask views} whose schemas
 * list the handles the request's task (from its tool context) grants each tool.
 *
 * <p>Order: innermost ({@link #ORDER}), after Spring AI's tool-calling advisor, so that it sees every
 * model call of the tool loop. Memory advisors sit outside it: wrap their {@code ChatMemory} with
 * {@link KeyholeChatMemory}. Model errors reach the caller as a {@link KeyholeException} with the
 * redacted message, not chained. Stateless and thread-safe; each stream gets its own streaming
 * redactors, which hold back only a tail that could still start a value.
 */
public final class KeyholeAdvisor implements CallAdvisor, StreamAdvisor {
  /** Innermost: after the tool-calling advisor ({@code HIGHEST_PRECEDENCE + 300}) and memory. */
  public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

  private final Messages messages;

  private KeyholeAdvisor(Redactor redactor) {
    this.messages = new Messages(redactor);
  }

  /** An advisor redacting with {@code redactor} (the Keyhole's, which knows every open task). */
  public static KeyholeAdvisor create(Redactor redactor) {
    return new KeyholeAdvisor(redactor);
  }

  @Override
  public String getName() {
    return "KeyholeAdvisor";
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
    ChatClientRequest safe = request(request);
    ChatClientResponse response;
    try {
      response = chain.nextCall(safe);
    } catch (RuntimeException e) {
      throw sanitized(e);
    }
    ChatResponse r = response.chatResponse();
    return r == null ? response
        : response.mutate().chatResponse(messages.response(r, "response from the model")).build();
  }

  @Override
  public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
    return Flux.defer(() -> {
      ChatClientRequest safe = request(request);
      Chunks chunks = new Chunks();
      return chain.nextStream(safe).map(chunks::redact)
          .concatWith(Mono.fromSupplier(chunks::rest).flatMap(Mono::justOrEmpty))
          .onErrorMap(e -> e instanceof SecretLeakBlockedException ? e : sanitized(e));
    });
  }

  /** The request with every message redacted and tool schemas for its task; fails closed. */
  ChatClientRequest request(ChatClientRequest request) {
    Prompt p = request.prompt();
    String where = "request to the model";
    ChatOptions options = p.getOptions();
    if (options instanceof ToolCallingChatOptions tco) {
      options = forTask(tco);
      for (ToolCallback c : tco.getToolCallbacks() == null ? List.<ToolCallback>of() : tco.getToolCallbacks()) {
        ToolDefinition d = c.getToolDefinition();
        messages.check(d.name() + d.description() + d.inputSchema(), "tool definition in a " + where);
      }
    }
    Prompt safe = p.mutate().messages(messages.redact(p.getInstructions(), where)).build();
    return request.mutate().prompt(options == null ? safe : new Prompt(safe.getInstructions(), options)).build();
  }

  private static ChatOptions forTask(ToolCallingChatOptions options) {
    TaskScope task = KeyholeSpringAi.taskOf(options.getToolContext());
    List<ToolCallback> callbacks = options.getToolCallbacks();
    if (task == null || callbacks == null || callbacks.stream().noneMatch(TaskView.class::isInstance)) {
      return options;
    }
    List<ToolCallback> views = new ArrayList<>(callbacks.size());
    for (ToolCallback c : callbacks) {
      views.add(c instanceof TaskView v ? v.forTask(task) : c);
    }
    return options.mutate().toolCallbacks(views).build();
  }

  private KeyholeException sanitized(Throwable e) {
    return new KeyholeException("The model call failed (" + e.getClass().getSimpleName() + "): "
        + messages.redactor().redact(String.valueOf(e.getMessage())), null, false);
  }

  /** The streamed text of one response, per generation; chunks arrive one at a time. */
  private final class Chunks {
    private final Map<Integer, StreamingRedactor> texts = new HashMap<>();
    private @Nullable ChatClientResponse last;

    ChatClientResponse redact(ChatClientResponse chunk) {
      ChatResponse r = chunk.chatResponse();
      if (r == null) {
        return chunk;
      }
      last = chunk;
      List<Generation> gs = new ArrayList<>();
      int i = 0;
      for (Generation g : r.getResults()) {
        AssistantMessage a = g.getOutput();
        AssistantMessage calls = messages.assistant(a.mutate().content(null).build(), "streamed response", false);
        String text = a.getText() == null ? null
            : texts.computeIfAbsent(i, k -> messages.redactor().streaming()).write(a.getText());
        gs.add(new Generation(calls.mutate().content(text).build(), g.getMetadata()));
        i++;
      }
      return chunk.mutate().chatResponse(ChatResponse.builder().from(r).generations(gs).build()).build();
    }

    /** What the streaming redactors still hold, as one last chunk (empty when nothing is left). */
    @Nullable ChatClientResponse rest() {
      if (last == null || texts.isEmpty()) {
        return null;
      }
      List<Generation> gs = new ArrayList<>();
      boolean any = false;
      for (int i = 0; i < texts.size(); i++) {
        StreamingRedactor s = texts.get(i);
        String rest = s == null ? "" : s.finish();
        any |= !rest.isEmpty();
        gs.add(new Generation(AssistantMessage.builder().content(rest).build()));
      }
      if (!any) {
        return null;
      }
      ChatResponse r = ChatResponse.builder().generations(gs).build();
      return last.mutate().chatResponse(r).build();
    }
  }
}
