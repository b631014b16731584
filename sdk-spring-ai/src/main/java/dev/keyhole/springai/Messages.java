package dev.keyhole.springai;

import dev.keyhole.Redactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.content.Media;

/**
 * Redacts Spring AI messages: text, tool-call arguments, tool responses. Whatever still holds a
 * value afterwards (or a value in metadata or media, which cannot be rewritten) fails closed.
 */
final class Messages {
  private final Redactor redactor;

  Messages(Redactor redactor) {
    this.redactor = redactor;
  }

  Redactor redactor() {
    return redactor;
  }

  List<Message> redact(List<Message> messages, String where) {
    List<Message> out = new ArrayList<>(messages.size());
    for (Message m : messages) {
      out.add(redact(m, where));
    }
    return out;
  }

  Message redact(Message m, String where) {
    check(m.getMetadata(), where);
    Message safe;
    if (m instanceof UserMessage u) {
      u.getMedia().forEach(media -> check(media, where));
      safe = u.mutate().text(text(u.getText())).build();
    } else if (m instanceof SystemMessage s) {
      safe = s.mutate().text(text(s.getText())).build();
    } else if (m instanceof AssistantMessage a) {
      safe = assistant(a, where);
    } else if (m instanceof ToolResponseMessage t) {
      List<ToolResponseMessage.ToolResponse> rs = new ArrayList<>();
      for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
        rs.add(new ToolResponseMessage.ToolResponse(r.id(), r.name(), text(r.responseData())));
      }
      safe = ToolResponseMessage.builder().responses(rs).metadata(t.getMetadata()).build();
    } else {
      safe = m;
    }
    check(String.valueOf(safe.getText()), where);
    return safe;
  }

  AssistantMessage assistant(AssistantMessage a, String where) {
    return assistant(a, where, true);
  }

  /**
   * @param toolCalls whether to rewrite tool-call arguments; false for what the model just sent:
   *     the tool guard must see a value the model wrote and refuse the call, or a rewrite to the
   *     handle would let the model test guesses against the live values
   */
  AssistantMessage assistant(AssistantMessage a, String where, boolean toolCalls) {
    a.getMedia().forEach(media -> check(media, where));
    List<AssistantMessage.ToolCall> calls = new ArrayList<>();
    for (AssistantMessage.ToolCall c : a.getToolCalls()) {
      String args = toolCalls ? text(c.arguments()) : c.arguments();
      if (toolCalls) {
        check(args, where);
      }
      calls.add(new AssistantMessage.ToolCall(c.id(), c.type(), c.name(), args));
    }
    String content = a.getText() == null ? null : text(a.getText());
    check(String.valueOf(content), where);
    return a.mutate().content(content).toolCalls(calls).build();
  }

  ChatResponse response(ChatResponse r, String where) {
    List<Generation> gs = new ArrayList<>();
    for (Generation g : r.getResults()) {
      gs.add(new Generation(assistant(g.getOutput(), where, false), g.getMetadata()));
    }
    return ChatResponse.builder().from(r).generations(gs).build();
  }

  String text(@Nullable String s) {
    return s == null ? "" : redactor.redact(s);
  }

  void check(String s, String where) {
    if (redactor.containsSecret(s)) {
      throw new SecretLeakBlockedException(where);
    }
  }

  private void check(Map<String, Object> metadata, String where) {
    if (!metadata.isEmpty()) {
      check(String.valueOf(metadata), where);
    }
  }

  private void check(Media media, String where) {
    Object data = media.getData();
    check(data instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)
        : String.valueOf(data), where);
  }
}
