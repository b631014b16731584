package dev.keyhole.langchain4j;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.Extension;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WireMock playing OpenAI's chat-completions API ({@code POST /v1/chat/completions}): responses in
 * the real wire format (tool calls, text, SSE chunks, error bodies), scripted in order with a
 * scenario, and the exact request bytes read back from the request journal.
 */
final class OpenAiMock extends ProviderMock {
  static final String MODEL = "gpt-4o-mini";
  private static final AtomicInteger IDS = new AtomicInteger(1000);

  OpenAiMock(Extension... extensions) {
    super(extensions);
  }

  @Override
  String name() {
    return "openai";
  }

  String baseUrl() {
    return server.baseUrl() + "/v1";
  }

  @Override
  ChatModel chatModel() {
    return OpenAiChatModel.builder().baseUrl(baseUrl()).apiKey("test-api-key").modelName(MODEL)
        .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
  }

  @Override
  StreamingChatModel streamingChatModel() {
    return OpenAiStreamingChatModel.builder().baseUrl(baseUrl()).apiKey("test-api-key")
        .modelName(MODEL).timeout(Duration.ofSeconds(20)).build();
  }

  /** The next chat-completions call gets this JSON body (HTTP 200). */
  OpenAiMock thenJson(String body) {
    return then(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withHeader("openai-processing-ms", "120").withBody(body));
  }

  /** The next chat-completions call gets this server-sent-event stream. */
  OpenAiMock thenSse(String body) {
    return then(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
        .withBody(body));
  }

  /** The next call fails with OpenAI's error body. */
  OpenAiMock thenError(int status, String type, String message) {
    ObjectNode err = JSON.createObjectNode();
    ObjectNode e = err.putObject("error");
    e.put("message", message);
    e.put("type", type);
    e.putNull("param");
    e.putNull("code");
    return then(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody(err.toString()));
  }

  private OpenAiMock then(ResponseDefinitionBuilder response) {
    then(post(urlPathEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer test-api-key")), response);
    return this;
  }

  @Override
  ProviderMock thenToolCall(boolean streamed, String id, String tool, String... pieces) {
    return streamed ? thenSse(sseToolCall(id, tool, pieces))
        : thenJson(toolCalls(call(id, tool, String.join("", pieces))));
  }

  @Override
  ProviderMock thenText(boolean streamed, String... chunks) {
    return streamed ? thenSse(sseText(chunks)) : thenJson(text(String.join("", chunks)));
  }

  /** The messages array of request {@code i} (0-based). */
  ArrayNode messages(int i) {
    try {
      return (ArrayNode) JSON.readTree(requestBodies().get(i)).get("messages");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The tool messages of request {@code i}, content by tool_call_id. */
  java.util.Map<String, String> toolResults(int i) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (var m : messages(i)) {
      if ("tool".equals(m.path("role").asText())) {
        out.put(m.path("tool_call_id").asText(), m.path("content").asText());
      }
    }
    return out;
  }

  /** One tool call in a response. */
  record Call(String id, String name, String arguments) {}

  static Call call(String id, String name, String argumentsJson) {
    return new Call(id, name, argumentsJson);
  }

  /** A non-streaming response asking for tool calls. */
  static String toolCalls(Call... calls) {
    ObjectNode msg = JSON.createObjectNode();
    msg.put("role", "assistant");
    msg.putNull("content");
    ArrayNode tc = msg.putArray("tool_calls");
    for (Call c : calls) {
      ObjectNode t = tc.addObject();
      t.put("id", c.id());
      t.put("type", "function");
      t.putObject("function").put("name", c.name()).put("arguments", c.arguments());
    }
    msg.putNull("refusal");
    msg.putArray("annotations");
    return completion(msg, "tool_calls");
  }

  /** A non-streaming text response. */
  static String text(String content) {
    ObjectNode msg = JSON.createObjectNode();
    msg.put("role", "assistant");
    msg.put("content", content);
    msg.putNull("refusal");
    msg.putArray("annotations");
    return completion(msg, "stop");
  }

  private static String completion(ObjectNode message, String finishReason) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "chatcmpl-" + IDS.incrementAndGet());
    root.put("object", "chat.completion");
    root.put("created", 1727000000);
    root.put("model", "gpt-4o-mini-2024-07-18");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("message", message);
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason);
    ObjectNode usage = root.putObject("usage");
    usage.put("prompt_tokens", 120);
    usage.put("completion_tokens", 24);
    usage.put("total_tokens", 144);
    usage.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
    usage.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
        .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
    root.put("service_tier", "default");
    root.put("system_fingerprint", "fp_560af6e559");
    return root.toString();
  }

  /** An SSE stream of text chunks, as OpenAI sends them. */
  static String sseText(String... chunks) {
    String id = "chatcmpl-" + IDS.incrementAndGet();
    StringBuilder sb = new StringBuilder();
    ObjectNode first = JSON.createObjectNode();
    first.put("role", "assistant").put("content", "");
    first.putNull("refusal");
    sb.append(event(id, first, null));
    for (String c : chunks) {
      sb.append(event(id, JSON.createObjectNode().put("content", c), null));
    }
    sb.append(event(id, JSON.createObjectNode(), "stop"));
    sb.append(usageEvent(id));
    return sb.append("data: [DONE]\n\n").toString();
  }

  /** An SSE stream of one tool call whose arguments arrive in the given pieces. */
  static String sseToolCall(String callId, String name, String... argumentPieces) {
    String id = "chatcmpl-" + IDS.incrementAndGet();
    StringBuilder sb = new StringBuilder();
    ObjectNode first = JSON.createObjectNode();
    first.put("role", "assistant");
    first.putNull("content");
    ObjectNode tc = first.putArray("tool_calls").addObject();
    tc.put("index", 0).put("id", callId).put("type", "function");
    tc.putObject("function").put("name", name).put("arguments", "");
    first.putNull("refusal");
    sb.append(event(id, first, null));
    for (String piece : argumentPieces) {
      ObjectNode d = JSON.createObjectNode();
      d.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", piece);
      sb.append(event(id, d, null));
    }
    sb.append(event(id, JSON.createObjectNode(), "tool_calls"));
    sb.append(usageEvent(id));
    return sb.append("data: [DONE]\n\n").toString();
  }

  private static String event(String id, ObjectNode delta, String finishReason) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", id);
    root.put("object", "chat.completion.chunk");
    root.put("created", 1727000000);
    root.put("model", "gpt-4o-mini-2024-07-18");
    root.put("service_tier", "default");
    root.put("system_fingerprint", "fp_560af6e559");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    root.putNull("usage");
    return "data: " + root + "\n\n";
  }

  private static String usageEvent(String id) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", id);
    root.put("object", "chat.completion.chunk");
    root.put("created", 1727000000);
    root.put("model", "gpt-4o-mini-2024-07-18");
    root.putArray("choices");
    root.putObject("usage").put("prompt_tokens", 90).put("completion_tokens", 12).put("total_tokens", 102);
    return "data: " + root + "\n\n";
  }

}
