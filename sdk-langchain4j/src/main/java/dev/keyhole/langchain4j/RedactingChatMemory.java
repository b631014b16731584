package dev.keyhole.langchain4j;

import dev.keyhole.Redactor;
import dev.keyhole.TaskScope;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.ChatMemoryProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ChatMemory} that never stores a live secret value: every message is redacted (and
 * re-checked) before it reaches the wrapped memory, and messages are redacted again on the way out.
 *
 * <p>Why it is needed even behind {@link GuardedChatModel}: LangChain4j adds the user message, the
 * AI message and tool results to memory before (or without) calling the model — a blocked request
 * or an {@code IMMEDIATE}-return tool would otherwise leave the value in memory and poison every
 * later turn, and a persistent store would keep it.
 *
 * <p>A message that still holds a value after redaction (inside an image, say) is refused with
 * {@link SecretLeakBlockedException} and not stored. Thread-safe when the delegate is.
 *
 * <p>Security: only values the redactor knows are removed — values resolved by an open (or
 * recently closed) task of the same {@link dev.keyhole.Keyhole}, plus whatever its detectors find.
 */
public final class RedactingChatMemory implements ChatMemory {
  private final ChatMemory delegate;
  private final MessageRedaction redaction;

  private RedactingChatMemory(ChatMemory delegate, Redactor redactor) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.redaction = new MessageRedaction(redactor);
  }

  /** Wraps {@code delegate} with the redactor of {@code task}'s Keyhole. */
  public static RedactingChatMemory wrap(ChatMemory delegate, TaskScope task) {
    return wrap(delegate, task.redactor());
  }

  /** Wraps {@code delegate}; a memory that is already wrapped with {@code redactor} is returned. */
  public static RedactingChatMemory wrap(ChatMemory delegate, Redactor redactor) {
    if (delegate instanceof RedactingChatMemory r && r.redaction.redactor() == redactor) {
      return r;
    }
    return new RedactingChatMemory(delegate, redactor);
  }

  /** A provider whose memories are wrapped. */
  public static ChatMemoryProvider wrap(ChatMemoryProvider provider, Redactor redactor) {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(redactor, "redactor");
    return memoryId -> wrap(provider.get(memoryId), redactor);
  }

  @Override
  public Object id() {
    return delegate.id();
  }

  @Override
  public void add(ChatMessage message) {
    delegate.add(redaction.message(message, where()));
  }

  @Override
  public void add(Iterable<ChatMessage> messages) {
    if (messages != null) {
      delegate.add(redacted(messages));
    }
  }

  @Override
  public void set(Iterable<ChatMessage> messages) {
    Objects.requireNonNull(messages, "messages");
    delegate.set(redacted(messages));
  }

  @Override
  public List<ChatMessage> messages() {
    return redaction.messages(delegate.messages(), where());
  }

  @Override
  public void clear() {
    delegate.clear();
  }

  private List<ChatMessage> redacted(Iterable<ChatMessage> messages) {
    List<ChatMessage> in = new ArrayList<>();
    messages.forEach(in::add);
    return redaction.messages(in, where());
  }

  private String where() {
    return "chat memory '" + redaction.redactor().redact(String.valueOf(delegate.id())) + "'";
  }

  @Override
  public String toString() {
    return "RedactingChatMemory[" + delegate.getClass().getSimpleName() + "]";
  }
}
