package dev.keyhole.springai;

import dev.keyhole.Redactor;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.Message;

/**
 * A {@link ChatMemory} that redacts every message before the wrapped memory stores it, and fails
 * closed ({@link SecretLeakBlockedException}, nothing stored) when a value cannot be removed. Use it
 * under Spring AI's memory advisors, which sit outside the {@link KeyholeAdvisor}.
 */
public final class KeyholeChatMemory implements ChatMemory {
  private final ChatMemory delegate;
  private final Messages messages;

  private KeyholeChatMemory(ChatMemory delegate, Redactor redactor) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.messages = new Messages(redactor);
  }

  public static KeyholeChatMemory wrap(ChatMemory delegate, Redactor redactor) {
    return delegate instanceof KeyholeChatMemory k ? k : new KeyholeChatMemory(delegate, redactor);
  }

  @Override
  public void add(String conversationId, List<Message> toAdd) {
    delegate.add(conversationId, messages.redact(toAdd, "message for the chat memory"));
  }

  @Override
  public List<Message> get(String conversationId) {
    return delegate.get(conversationId);
  }

  @Override
  public void clear(String conversationId) {
    delegate.clear(conversationId);
  }
}
