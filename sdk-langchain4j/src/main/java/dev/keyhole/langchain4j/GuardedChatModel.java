package dev.keyhole.langchain4j;

import dev.keyhole.Redactor;
import dev.keyhole.TaskScope;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The last line of defence in front of a {@link ChatModel}: every request is scanned for live
 * secret values before it leaves the process, and every response on its way back.
 *
 * <p>For each request, every message — system, user (text, name, attributes; images, audio, video
 * and PDFs checked), AI (text, thinking, tool-call arguments), tool results, custom messages — is
 * redacted with the {@link Redactor}, checked again, and the request fails closed with {@link
 * SecretLeakBlockedException} if a value remains anywhere (also in a tool specification or the
 * response format). The response's AI message is redacted the same way. A model error whose text
 * holds a value is replaced by a {@link dev.keyhole.KeyholeException} with the redacted text, not
 * chained.
 *
 * <p>Must be the <em>outermost</em> decorator, the one given to {@code AiServices}: LangChain4j's
 * listeners cannot change a request and its request transformer is a single slot. The wrapped
 * model's own listeners still fire, and see the redacted request. Thread-safe when the delegate is.
 *
 * <p>Security: the redactor knows the values of every open task of the {@link dev.keyhole.Keyhole}
 * (and recently closed ones), so one guarded model can serve several tasks.
 */
public final class GuardedChatModel implements ChatModel {
  private final ChatModel delegate;
  private final MessageRedaction redaction;

  private GuardedChatModel(ChatModel delegate, Redactor redactor) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.redaction = new MessageRedaction(redactor);
  }

  /** Guards {@code delegate} with the redactor of {@code task}'s Keyhole. */
  public static GuardedChatModel wrap(ChatModel delegate, TaskScope task) {
    return wrap(delegate, task.redactor());
  }

  /** Guards {@code delegate} with {@code redactor}; a model that is already guarded is returned. */
  public static GuardedChatModel wrap(ChatModel delegate, Redactor redactor) {
    if (delegate instanceof GuardedChatModel g && g.redaction.redactor() == redactor) {
      return g;
    }
    return new GuardedChatModel(delegate, redactor);
  }

  /**
   * Redacts and checks the request, calls the delegate, redacts the response.
   *
   * @throws SecretLeakBlockedException if a value could not be removed from the request (nothing
   *     was sent) or from the response
   */
  @Override
  public ChatResponse chat(ChatRequest chatRequest, ChatRequestOptions options) {
    ChatRequest safe = redaction.request(chatRequest);
    ChatResponse response;
    try {
      response = delegate.chat(safe, options);
    } catch (RuntimeException e) {
      throw Errors.sanitized(e, redaction.redactor(), "The model call failed");
    }
    return redaction.response(response);
  }

  @Override
  public ChatResponse doChat(ChatRequest chatRequest) {
    return chat(chatRequest, ChatRequestOptions.EMPTY);
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
    return "GuardedChatModel[" + delegate.getClass().getSimpleName() + "]";
  }
}
