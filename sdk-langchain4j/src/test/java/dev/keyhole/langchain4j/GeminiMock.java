package dev.keyhole.langchain4j;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiStreamingChatModel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Google's Gemini API ({@code POST /v1beta/models/MODEL:generateContent}): candidates whose parts
 * hold {@code functionCall}s or text; streamed ({@code :streamGenerateContent?alt=sse}) as
 * server-sent events, one {@code GenerateContentResponse} per {@code data:} line, the last with
 * {@code finishReason} and {@code usageMetadata}.
 */
final class GeminiMock extends ProviderMock {
  static final String MODEL = "gemini-2.5-flash";
  private static final AtomicInteger IDS = new AtomicInteger(700);

  @Override
  String name() {
    return "gemini";
  }

  private String baseUrl() {
    return server.baseUrl() + "/v1beta";
  }

  @Override
  ChatModel chatModel() {
    return GoogleAiGeminiChatModel.builder().baseUrl(baseUrl()).apiKey("test-api-key")
        .modelName(MODEL).maxRetries(0).timeout(Duration.ofSeconds(20)).build();
  }

  @Override
  StreamingChatModel streamingChatModel() {
    return GoogleAiGeminiStreamingChatModel.builder().baseUrl(baseUrl()).apiKey("test-api-key")
        .modelName(MODEL).timeout(Duration.ofSeconds(20)).build();
  }

  private static String path(boolean streamed) {
    return "/v1beta/models/" + MODEL + (streamed ? ":streamGenerateContent" : ":generateContent");
  }

  @Override
  ProviderMock thenToolCall(boolean streamed, String id, String tool, String... pieces) {
    ObjectNode part = JSON.createObjectNode();
    ObjectNode call = part.putObject("functionCall").put("name", tool);
    try {
      call.set("args", JSON.readTree(String.join("", pieces)));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    ObjectNode response = response(true, part);
    return streamed
        ? then(ProviderMock::postTo, path(true), "text/event-stream", "data: " + response + "\r\n\r\n")
        : then(ProviderMock::postTo, path(false), "application/json", response.toString());
  }

  @Override
  ProviderMock thenText(boolean streamed, String... chunks) {
    if (!streamed) {
      return then(ProviderMock::postTo, path(false), "application/json",
          response(true, JSON.createObjectNode().put("text", String.join("", chunks))).toString());
    }
    StringBuilder sse = new StringBuilder();
    for (int i = 0; i < chunks.length; i++) {
      ObjectNode r = response(i == chunks.length - 1, JSON.createObjectNode().put("text", chunks[i]));
      sse.append("data: ").append(r).append("\r\n\r\n");
    }
    return then(ProviderMock::postTo, path(true), "text/event-stream", sse.toString());
  }

  private static ObjectNode response(boolean last, ObjectNode... parts) {
    ObjectNode r = JSON.createObjectNode();
    ObjectNode candidate = r.putArray("candidates").addObject();
    ObjectNode content = candidate.putObject("content");
    ArrayNode ps = content.putArray("parts");
    for (ObjectNode p : parts) {
      ps.add(p);
    }
    content.put("role", "model");
    if (last) {
      candidate.put("finishReason", "STOP");
    }
    candidate.put("index", 0);
    r.putObject("usageMetadata").put("promptTokenCount", 211).put("candidatesTokenCount", 17)
        .put("totalTokenCount", 228);
    r.put("modelVersion", MODEL).put("responseId", "gm-" + IDS.incrementAndGet());
    return r;
  }
}
