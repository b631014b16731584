package dev.keyhole.langchain4j;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}): {@code tool_use} and {@code text} content
 * blocks, and the server-sent events of a streamed message ({@code message_start}, {@code
 * content_block_start}, {@code content_block_delta} with {@code text_delta} or {@code
 * input_json_delta}, {@code content_block_stop}, {@code message_delta}, {@code message_stop}, and a
 * {@code ping}), as the API documents them.
 */
final class AnthropicMock extends ProviderMock {
  static final String MODEL = "claude-sonnet-4-5-20250929";
  private static final AtomicInteger IDS = new AtomicInteger(100);

  @Override
  String name() {
    return "anthropic";
  }

  private String baseUrl() {
    return server.baseUrl() + "/v1/";
  }

  @Override
  ChatModel chatModel() {
    return AnthropicChatModel.builder().baseUrl(baseUrl()).apiKey("test-api-key").modelName(MODEL)
        .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
  }

  @Override
  StreamingChatModel streamingChatModel() {
    return AnthropicStreamingChatModel.builder().baseUrl(baseUrl()).apiKey("test-api-key")
        .modelName(MODEL).timeout(Duration.ofSeconds(20)).build();
  }

  @Override
  ProviderMock thenToolCall(boolean streamed, String id, String tool, String... pieces) {
    if (!streamed) {
      ObjectNode block = JSON.createObjectNode().put("type", "tool_use").put("id", id).put("name", tool);
      try {
        block.set("input", JSON.readTree(String.join("", pieces)));
      } catch (Exception e) {
        throw new IllegalArgumentException(e);
      }
      return then(ProviderMock::postTo, "/v1/messages", "application/json",
          message("tool_use", block).toString());
    }
    StringBuilder sse = new StringBuilder(messageStart());
    ObjectNode start = JSON.createObjectNode().put("type", "tool_use").put("id", id).put("name", tool);
    start.putObject("input");
    sse.append(event("content_block_start", JSON.createObjectNode().put("type", "content_block_start")
        .put("index", 0).set("content_block", start)));
    sse.append(ping());
    for (String p : pieces) {
      ObjectNode delta = JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", p);
      sse.append(event("content_block_delta", JSON.createObjectNode()
          .put("type", "content_block_delta").put("index", 0).set("delta", delta)));
    }
    sse.append(end("tool_use"));
    return then(ProviderMock::postTo, "/v1/messages", "text/event-stream; charset=utf-8",
        sse.toString());
  }

  @Override
  ProviderMock thenText(boolean streamed, String... chunks) {
    if (!streamed) {
      ObjectNode block = JSON.createObjectNode().put("type", "text").put("text", String.join("", chunks));
      return then(ProviderMock::postTo, "/v1/messages", "application/json",
          message("end_turn", block).toString());
    }
    StringBuilder sse = new StringBuilder(messageStart());
    sse.append(event("content_block_start", JSON.createObjectNode().put("type", "content_block_start")
        .put("index", 0).set("content_block", JSON.createObjectNode().put("type", "text").put("text", ""))));
    sse.append(ping());
    for (String c : chunks) {
      ObjectNode delta = JSON.createObjectNode().put("type", "text_delta").put("text", c);
      sse.append(event("content_block_delta", JSON.createObjectNode()
          .put("type", "content_block_delta").put("index", 0).set("delta", delta)));
    }
    sse.append(end("end_turn"));
    return then(ProviderMock::postTo, "/v1/messages", "text/event-stream; charset=utf-8",
        sse.toString());
  }

  private static ObjectNode message(String stopReason, ObjectNode... blocks) {
    ObjectNode m = JSON.createObjectNode();
    m.put("id", "msg_01" + IDS.incrementAndGet()).put("type", "message").put("role", "assistant")
        .put("model", MODEL);
    ArrayNode content = m.putArray("content");
    for (ObjectNode b : blocks) {
      content.add(b);
    }
    m.put("stop_reason", stopReason).putNull("stop_sequence");
    m.putObject("usage").put("input_tokens", 412).put("output_tokens", 57)
        .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0);
    return m;
  }

  private static String messageStart() {
    ObjectNode m = JSON.createObjectNode();
    m.put("id", "msg_01" + IDS.incrementAndGet()).put("type", "message").put("role", "assistant")
        .put("model", MODEL);
    m.putArray("content");
    m.putNull("stop_reason").putNull("stop_sequence");
    m.putObject("usage").put("input_tokens", 412).put("output_tokens", 1);
    return event("message_start", JSON.createObjectNode().put("type", "message_start").set("message", m));
  }

  private static String end(String stopReason) {
    ObjectNode delta = JSON.createObjectNode().put("stop_reason", stopReason).putNull("stop_sequence");
    ObjectNode md = JSON.createObjectNode().put("type", "message_delta");
    md.set("delta", delta);
    md.putObject("usage").put("output_tokens", 57);
    return event("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0))
        + event("message_delta", md)
        + event("message_stop", JSON.createObjectNode().put("type", "message_stop"));
  }

  private static String ping() {
    return "event: ping\ndata: {\"type\": \"ping\"}\n\n";
  }

  private static String event(String name, ObjectNode data) {
    return "event: " + name + "\ndata: " + data + "\n\n";
  }
}
