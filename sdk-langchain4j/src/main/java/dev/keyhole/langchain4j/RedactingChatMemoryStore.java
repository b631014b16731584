package dev.keyhole.langchain4j;

import dev.keyhole.Redactor;
import dev.keyhole.TaskScope;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ChatMemoryStore} that never persists a live secret value: messages are redacted (and
 * re-checked) before {@link #updateMessages}, and redacted again when read back. Use it under any
 * LangChain4j memory ({@code MessageWindowChatMemory.builder().chatMemoryStore(...)}) whose store
 * outlives the task — a database, a file, a cache.
 *
 * <p>A message that still holds a value after redaction is refused with {@link
 * SecretLeakBlockedException}; nothing is written. Thread-safe when the delegate is.
 *
 * <p>Security: only values the redactor knows are removed (see {@link RedactingChatMemory}); a
 * value stored before it was resolved by a task is redacted on read once it is live again.
 */
public final class RedactingChatMemoryStore implements ChatMemoryStore {
  private final ChatMemoryStore delegate;
  private final MessageRedaction redaction;

  private RedactingChatMemoryStore(ChatMemoryStore delegate, Redactor redactor) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.redaction = new MessageRedaction(redactor);
  }

  /** Wraps {@code delegate} with the redactor of {@code task}'s Keyhole. */
  public static RedactingChatMemoryStore wrap(ChatMemoryStore delegate, TaskScope task) {
    return wrap(delegate, task.redactor());
  }

  /** Wraps {@code delegate}; a store that is already wrapped with {@code redactor} is returned. */
  public static RedactingChatMemoryStore wrap(ChatMemoryStore delegate, Redactor redactor) {
    if (delegate instanceof RedactingChatMemoryStore r && r.redaction.redactor() == redactor) {
      return r;
    }
    return new RedactingChatMemoryStore(delegate, redactor);
  }

  @Override
  public List<ChatMessage> getMessages(Object memoryId) {
    return redaction.messages(delegate.getMessages(memoryId), where(memoryId));
  }

  @Override
  public void updateMessages(Object memoryId, List<ChatMessage> messages) {
    delegate.updateMessages(memoryId, redaction.messages(messages, where(memoryId)));
  }

  @Override
  public void deleteMessages(Object memoryId) {
    delegate.deleteMessages(memoryId);
  }

  private String where(Object memoryId) {
    return "chat memory store entry '" + redaction.redactor().redact(String.valueOf(memoryId)) + "'";
  }

  @Override
  public String toString() {
    return "RedactingChatMemoryStore[" + delegate.getClass().getSimpleName() + "]";
  }
}
