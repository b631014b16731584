package dev.keyhole.samples;

import dev.keyhole.SecretHandle;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.MemoryAuditSink;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the conversation for a newcomer. It listens on the OpenAI model itself, which sits inside
 * Keyhole's {@code GuardedChatModel}, so each request it prints is exactly what went to the model;
 * and it hooks the AI service's tool execution to say what Keyhole resolved or denied for each call,
 * from the audit events the call wrote (handle names, never values).
 */
final class Walkthrough implements ChatModelListener {
  private final PrintStream out;
  private final MemoryAuditSink audit;
  private final Map<String, String> callLabels = new HashMap<>();
  private int turn;
  private int seenMessages;
  private int auditMark;

  Walkthrough(PrintStream out, MemoryAuditSink audit) {
    this.out = out;
    this.audit = audit;
  }

  @Override
  public void onRequest(ChatModelRequestContext context) {
    turn++;
    List<ChatMessage> messages = context.chatRequest().messages();
    out.println();
    out.println("--- Turn " + turn + ": the model receives ---");
    if (turn == 1) {
      out.println("  [tools] " + context.chatRequest().toolSpecifications().stream()
          .map(ToolSpecification::name).toList()
          + " (each description lists the handles the tool may use; see --transcript)");
    } else {
      out.println("  (the conversation so far, plus:)");
    }
    for (ChatMessage m : messages.subList(Math.min(seenMessages, messages.size()), messages.size())) {
      if (m instanceof SystemMessage s) {
        out.println(indent("[system] " + s.text()));
      } else if (m instanceof UserMessage u) {
        out.println(indent("[user] " + u.singleText()));
      } else if (m instanceof ToolExecutionResultMessage t) {
        out.println(indent("[tool result " + callLabels.getOrDefault(t.id(), "") + " "
            + t.toolName() + "]\n" + t.text()));
      }
    }
    seenMessages = messages.size();
  }

  @Override
  public void onResponse(ChatModelResponseContext context) {
    AiMessage reply = context.chatResponse().aiMessage();
    out.println("--- Turn " + turn + ": the model replies ---");
    if (reply.text() != null && !reply.text().isBlank()) {
      out.println(indent("[assistant] " + reply.text()));
    }
    if (reply.hasToolExecutionRequests()) {
      int n = 1;
      for (ToolExecutionRequest call : reply.toolExecutionRequests()) {
        String label = "#" + turn + "." + n++;
        callLabels.put(call.id(), label);
        out.println(indent("[tool call " + label + "] " + call.name() + " " + call.arguments()));
      }
    }
    seenMessages++; // the reply comes back as the next request's last AI message
  }

  @Override
  public void onError(ChatModelErrorContext context) {
    out.println("--- Turn " + turn + ": the model call failed: "
        + context.error().getClass().getSimpleName() + " ---");
  }

  void beforeTool(BeforeToolExecution before) {
    auditMark = audit.events().size();
  }

  void afterTool(ToolExecution done) {
    List<AuditEvent> events = audit.events();
    List<AuditEvent> during = events.subList(Math.min(auditMark, events.size()), events.size());
    String label = callLabels.getOrDefault(done.request().id(), "");
    for (String line : decisions(during, done.result())) {
      out.println("  [keyhole " + label + "] " + line);
    }
  }

  /** What Keyhole decided during one call, from its audit events (names, no values). */
  static List<String> decisions(List<AuditEvent> events, String result) {
    List<String> lines = new ArrayList<>();
    for (AuditEvent e : events) {
      String where = e.destination() == null ? "" : " -> " + e.destination();
      if (e.type() == AuditEventType.USE_ALLOWED) {
        lines.add("resolved secret://" + e.handle() + " for " + e.tool() + where
            + "; the value went to the tool, not to the model");
      } else if (e.type() == AuditEventType.USE_DENIED && e.handle() == null) {
        lines.add("DENIED the call by " + e.tool() + "'s own rules" + where + ": " + e.reason());
      } else if (e.type() == AuditEventType.USE_DENIED) {
        lines.add("DENIED secret://" + e.handle() + " for " + e.tool() + where + ": " + e.reason());
      } else if (e.type() == AuditEventType.TOOL_FAILED) {
        lines.add("the tool stopped: " + e.reason());
      }
    }
    if (lines.isEmpty()) {
      lines.add(result.startsWith("Denied") || result.startsWith("Keyhole could not")
          ? "refused before any secret was resolved" : "no secret used");
    }
    // The tools' own result formats: "$ command\nexit code: ..." and "HTTP status ...".
    boolean ran = result.startsWith("$ ") || result.startsWith("HTTP ");
    if (ran && SecretHandle.containsToken(result)) {
      lines.add("the output holds handle tokens where Keyhole redacted values the program printed");
      java.util.regex.Matcher tail = BASE64_TAIL.matcher(result);
      if (tail.find()) {
        lines.add("'" + tail.group() + "': base64 is redacted down to the characters that depend"
            + " on the value alone; the last one or two also encode what follows it (here the end"
            + " of the data, hence the '=' padding), so they stay. They carry at most 4 bits of"
            + " the value's last byte");
      }
    }
    return lines;
  }

  /** A handle token directly followed by the tail of a trimmed base64 form: 1-2 chars, padding. */
  private static final java.util.regex.Pattern BASE64_TAIL =
      java.util.regex.Pattern.compile("secret://[a-z0-9_-]+?[A-Za-z0-9+/]{1,2}={1,2}(?![A-Za-z0-9+/=])");

  private static String indent(String text) {
    return "  " + text.strip().replace("\n", "\n  | ");
  }
}
