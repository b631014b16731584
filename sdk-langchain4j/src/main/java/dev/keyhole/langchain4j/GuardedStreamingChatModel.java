package dev.keyhole.langchain4j;

import dev.keyhole.Redactor;
import dev.keyhole.Redactor.StreamingRedactor;
import dev.keyhole.TaskScope;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The last line of defence in front of a {@link StreamingChatModel}: the request is redacted and
 * checked exactly as by {@link GuardedChatModel} (failing closed with {@link
 * SecretLeakBlockedException}, delivered to the handler's {@code onError}, nothing sent), and the
 * streamed response is redacted chunk-safely.
 *
 * <p>Streamed text and thinking pass through a {@link Redactor#streaming()} redactor, which holds
 * back only the tail that could still be the start of a value, so a value split across chunks is
 * still replaced; what is held back is flushed before {@code onCompleteResponse}. Partial tool-call
 * arguments are redacted per tool call the same way; complete tool calls and the complete response
 * are redacted whole. Raw provider events that hold a value are dropped.
 *
 * <p>Must be the outermost decorator. Thread-safe when the delegate is; each call gets its own
 * streaming redactors.
 *
 * <p>Security: a held-back tail is at most as long as the longest live value (in any form the
 * redactor knows), so text reaches the handler slightly later, never unredacted.
 */
public final class GuardedStreamingChatModel implements StreamingChatModel {
  private final StreamingChatModel delegate;
  private final MessageRedaction redaction;

  private GuardedStreamingChatModel(StreamingChatModel delegate, Redactor redactor) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.redaction = new MessageRedaction(redactor);
  }

  /** Guards {@code delegate} with the redactor of {@code task}'s Keyhole. */
  public static GuardedStreamingChatModel wrap(StreamingChatModel delegate, TaskScope task) {
    return wrap(delegate, task.redactor());
  }

  /** Guards {@code delegate} with {@code redactor}; a model that is already guarded is returned. */
  public static GuardedStreamingChatModel wrap(StreamingChatModel delegate, Redactor redactor) {
    if (delegate instanceof GuardedStreamingChatModel g && g.redaction.redactor() == redactor) {
      return g;
    }
    return new GuardedStreamingChatModel(delegate, redactor);
  }

  @Override
  public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
    ChatRequest safe;
    try {
      safe = redaction.request(request);
    } catch (SecretLeakBlockedException e) {
      handler.onError(e);
      return;
    }
    try {
      delegate.chat(safe, options, new RedactingHandler(handler, redaction));
    } catch (RuntimeException e) {
      throw Errors.sanitized(e, redaction.redactor(), "The model call failed");
    }
  }

  @Override
  public void doChat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
    chat(chatRequest, ChatRequestOptions.EMPTY, handler);
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return delegate.defaultRequestParameters();
  }

  /** Empty: the delegate fires its own listeners (with the redacted request). */
  @Override
  public List<ChatModelListener> listeners() {
    return List.of();
  }

  @Override
  public ModelProvider provider() {
    return delegate.provider();
  }

  @Override
  public Set<Capability> supportedCapabilities() {
    return delegate.supportedCapabilities();
  }

  @Override
  public String toString() {
    return "GuardedStreamingChatModel[" + delegate.getClass().getSimpleName() + "]";
  }

  /** The streamed arguments of one tool call: what is held back, and how to forward the rest. */
  private static final class ToolCallStream {
    final StreamingRedactor redactor;
    @Nullable PartialToolCall last;
    @Nullable PartialToolCallContext context;
    boolean withContext;

    ToolCallStream(StreamingRedactor redactor) {
      this.redactor = redactor;
    }

    void forward(StreamingChatResponseHandler handler, String arguments) {
      PartialToolCall last = Objects.requireNonNull(this.last, "last");
      PartialToolCall p = PartialToolCall.builder().index(last.index()).id(last.id()).name(last.name())
          .partialArguments(arguments).build();
      if (withContext) {
        handler.onPartialToolCall(p, context);
      } else {
        handler.onPartialToolCall(p);
      }
    }

    void finish(StreamingChatResponseHandler handler) {
      String rest = redactor.finish();
      if (!rest.isEmpty() && last != null) {
        forward(handler, rest);
      }
    }
  }

  /** Redacts one streamed response. Calls arrive from one thread at a time (the model's). */
  private static final class RedactingHandler implements StreamingChatResponseHandler {
    private final StreamingChatResponseHandler handler;
    private final MessageRedaction redaction;
    private final StreamingRedactor text;
    private final StreamingRedactor thinking;
    private final Map<Integer, ToolCallStream> toolCalls = new HashMap<>();
    private @Nullable PartialResponseContext lastTextContext;
    private boolean lastTextWithContext;

    RedactingHandler(StreamingChatResponseHandler handler, MessageRedaction redaction) {
      this.handler = handler;
      this.redaction = redaction;
      this.text = redaction.redactor().streaming();
      this.thinking = redaction.redactor().streaming();
    }

    @Override
    public void onPartialResponse(String partialResponse) {
      String out = text.write(partialResponse);
      lastTextWithContext = false;
      if (!out.isEmpty()) {
        handler.onPartialResponse(out);
      }
    }

    @Override
    public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
      String out = text.write(partialResponse.text());
      lastTextContext = context;
      lastTextWithContext = true;
      if (!out.isEmpty()) {
        handler.onPartialResponse(new PartialResponse(out), context);
      }
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking) {
      String out = thinking.write(partialThinking.text());
      if (!out.isEmpty()) {
        handler.onPartialThinking(new PartialThinking(out));
      }
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
      String out = thinking.write(partialThinking.text());
      if (!out.isEmpty()) {
        handler.onPartialThinking(new PartialThinking(out), context);
      }
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall) {
      emit(toolCall(partialToolCall, null, false), partialToolCall.partialArguments());
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
      emit(toolCall(partialToolCall, context, true), partialToolCall.partialArguments());
    }

    private ToolCallStream toolCall(PartialToolCall p, @Nullable PartialToolCallContext context,
        boolean withContext) {
      ToolCallStream s = toolCalls.computeIfAbsent(p.index(),
          i -> new ToolCallStream(redaction.redactor().streaming()));
      s.last = p;
      s.context = context;
      s.withContext = withContext;
      return s;
    }

    private void emit(ToolCallStream s, @Nullable String arguments) {
      String safe = s.redactor.write(arguments == null ? "" : arguments);
      if (!safe.isEmpty()) {
        s.forward(handler, safe);
      }
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall completeToolCall) {
      ToolCallStream s = toolCalls.remove(completeToolCall.index());
      if (s != null) {
        s.finish(handler);
      }
      handler.onCompleteToolCall(new CompleteToolCall(completeToolCall.index(),
          redaction.toolCall(completeToolCall.toolExecutionRequest(), "response from the model")));
    }

    @Override
    public void onUnmappedRawEvent(Object rawEvent) {
      if (!redaction.redactor().containsSecret(String.valueOf(rawEvent))) {
        handler.onUnmappedRawEvent(rawEvent);
      }
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
      ChatResponse safe;
      try {
        flush();
        safe = redaction.response(completeResponse);
      } catch (SecretLeakBlockedException e) {
        handler.onError(e);
        return;
      }
      handler.onCompleteResponse(safe);
    }

    private void flush() {
      toolCalls.values().forEach(s -> s.finish(handler));
      toolCalls.clear();
      String rest = text.finish();
      if (!rest.isEmpty()) {
        if (lastTextWithContext) {
          handler.onPartialResponse(new PartialResponse(rest), lastTextContext);
        } else {
          handler.onPartialResponse(rest);
        }
      }
      String restThinking = thinking.finish();
      if (!restThinking.isEmpty()) {
        handler.onPartialThinking(new PartialThinking(restThinking));
      }
    }

    @Override
    public void onError(Throwable error) {
      handler.onError(Errors.sanitized(error, redaction.redactor(), "The model call failed"));
    }
  }
}
