package dev.keyhole.langchain4j;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import java.time.Duration;

/**
 * Ollama's chat API ({@code POST /api/chat}): a message with {@code tool_calls} whose arguments are
 * a JSON object, and streaming as newline-delimited JSON ({@code application/x-ndjson}), one chunk
 * per line, the last with {@code "done": true} and the timing counters.
 */
final class OllamaMock extends ProviderMock {
  static final String MODEL = "llama3.1:8b";

  @Override
  String name() {
    return "ollama";
  }

  @Override
  ChatModel chatModel() {
    return OllamaChatModel.builder().baseUrl(server.baseUrl()).modelName(MODEL).maxRetries(0)
        .timeout(Duration.ofSeconds(20)).build();
  }

  @Override
  StreamingChatModel streamingChatModel() {
    return OllamaStreamingChatModel.builder().baseUrl(server.baseUrl()).modelName(MODEL)
        .timeout(Duration.ofSeconds(20)).build();
  }

  @Override
  ProviderMock thenToolCall(boolean streamed, String id, String tool, String... pieces) {
    ObjectNode message = JSON.createObjectNode().put("role", "assistant").put("content", "");
    ObjectNode fn = message.putArray("tool_calls").addObject().put("id", id).putObject("function");
    fn.put("index", 0).put("name", tool);
    try {
      fn.set("arguments", JSON.readTree(String.join("", pieces)));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    if (!streamed) {
      return then(ProviderMock::postTo, "/api/chat", "application/json", done(message).toString());
    }
    // Ollama streams a tool call whole, in one chunk, then the final chunk.
    ObjectNode chunk = chunk(message);
    ObjectNode last = done(JSON.createObjectNode().put("role", "assistant").put("content", ""));
    return then(ProviderMock::postTo, "/api/chat", "application/x-ndjson", chunk + "\n" + last + "\n");
  }

  @Override
  ProviderMock thenText(boolean streamed, String... chunks) {
    if (!streamed) {
      ObjectNode message = JSON.createObjectNode().put("role", "assistant")
          .put("content", String.join("", chunks));
      return then(ProviderMock::postTo, "/api/chat", "application/json", done(message).toString());
    }
    StringBuilder nd = new StringBuilder();
    for (String c : chunks) {
      nd.append(chunk(JSON.createObjectNode().put("role", "assistant").put("content", c))).append('\n');
    }
    nd.append(done(JSON.createObjectNode().put("role", "assistant").put("content", ""))).append('\n');
    return then(ProviderMock::postTo, "/api/chat", "application/x-ndjson", nd.toString());
  }

  private static ObjectNode chunk(ObjectNode message) {
    ObjectNode c = JSON.createObjectNode().put("model", MODEL)
        .put("created_at", "2025-06-02T09:14:07.123456Z");
    c.set("message", message);
    return c.put("done", false);
  }

  private static ObjectNode done(ObjectNode message) {
    ObjectNode c = JSON.createObjectNode().put("model", MODEL)
        .put("created_at", "2025-06-02T09:14:07.523456Z");
    c.set("message", message);
    return c.put("done_reason", "stop").put("done", true).put("total_duration", 885095291L)
        .put("load_duration", 3753500).put("prompt_eval_count", 122)
        .put("prompt_eval_duration", 328493000).put("eval_count", 33).put("eval_duration", 552222000);
  }
}
