package dev.keyhole.springai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.micrometer.observation.ObservationRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * WireMock playing OpenAI's chat-completions API ({@code POST /v1/chat/completions}) in its real
 * wire format — tool calls, text, server-sent-event chunks — scripted in order, with the exact
 * request bytes read back from the request journal.
 */
final class OpenAiWire implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger IDS = new AtomicInteger(1000);
  static final String API_KEY = "test-api-key";

  final WireMockServer server = new WireMockServer(options().dynamicPort());
  private int steps;

  OpenAiWire() {
    server.start();
  }

  /** Spring AI's real OpenAI chat model, pointed at this server. */
  OpenAiChatModel model(ObservationRegistry observations) {
    return OpenAiChatModel.builder()
        .options(OpenAiChatOptions.builder().baseUrl(server.baseUrl() + "/v1").apiKey(API_KEY)
            .model("gpt-4o-mini").maxRetries(0).build())
        .observationRegistry(observations).build();
  }

  OpenAiWire thenJson(String body) {
    return then(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body));
  }

  OpenAiWire thenSse(String body) {
    return then(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body));
  }

  private OpenAiWire then(ResponseDefinitionBuilder response) {
    String state = steps == 0 ? Scenario.STARTED : "step-" + steps;
    steps++;
    server.stubFor(post(urlPathEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer " + API_KEY))
        .inScenario("openai").whenScenarioStateIs(state).willSetStateTo("step-" + steps)
        .willReturn(response));
    return this;
  }

  /** Every request body sent to the model, oldest first. */
  List<String> requests() {
    List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
    events.removeIf(e -> !e.getRequest().getUrl().endsWith("/chat/completions"));
    events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
    List<String> out = new ArrayList<>();
    for (ServeEvent e : events) {
      out.add(new String(e.getRequest().getBody(), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The whole journal (URLs, headers, bodies) as text, for leak checks. */
  String journal() {
    StringBuilder sb = new StringBuilder();
    for (ServeEvent e : server.getAllServeEvents()) {
      sb.append(e.getRequest().getAbsoluteUrl()).append('\n').append(e.getRequest().getHeaders())
          .append('\n').append(new String(e.getRequest().getBody(), StandardCharsets.UTF_8)).append('\n');
    }
    return sb.toString();
  }

  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The tool-message contents of request {@code i}, in order. */
  List<String> toolResults(int i) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : tree(requests().get(i)).path("messages")) {
      if ("tool".equals(m.path("role").asText())) {
        out.add(m.path("content").asText());
      }
    }
    return out;
  }

  /** The JSON schema of parameter {@code param} of tool {@code tool} in request {@code i}. */
  JsonNode parameter(int i, String tool, String param) {
    for (JsonNode t : tree(requests().get(i)).path("tools")) {
      if (tool.equals(t.path("function").path("name").asText())) {
        return t.path("function").path("parameters").path("properties").path(param);
      }
    }
    throw new AssertionError("no tool " + tool + " in request " + i);
  }

  record Call(String id, String name, String arguments) {}

  static Call call(String id, String name, String arguments) {
    return new Call(id, name, arguments);
  }

  /** A response asking for tool calls. */
  static String toolCalls(Call... calls) {
    ObjectNode msg = JSON.createObjectNode().put("role", "assistant").putNull("content");
    ArrayNode tc = msg.putArray("tool_calls");
    for (Call c : calls) {
      ObjectNode t = tc.addObject().put("id", c.id()).put("type", "function");
      t.putObject("function").put("name", c.name()).put("arguments", c.arguments());
    }
    msg.putNull("refusal");
    return completion(msg, "tool_calls");
  }

  /** A text response. */
  static String text(String content) {
    ObjectNode msg = JSON.createObjectNode().put("role", "assistant").put("content", content);
    msg.putNull("refusal");
    return completion(msg, "stop");
  }

  private static String completion(ObjectNode message, String finishReason) {
    ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-" + IDS.incrementAndGet())
        .put("object", "chat.completion").put("created", 1727000000).put("model", "gpt-4o-mini-2024-07-18");
    ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
    choice.set("message", message);
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason);
    root.putObject("usage").put("prompt_tokens", 120).put("completion_tokens", 24).put("total_tokens", 144);
    return root.put("system_fingerprint", "fp_560af6e559").toString();
  }

  /** An SSE stream of text chunks. */
  static String sseText(String... chunks) {
    String id = "chatcmpl-" + IDS.incrementAndGet();
    StringBuilder sb = new StringBuilder(event(id, JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
    for (String c : chunks) {
      sb.append(event(id, JSON.createObjectNode().put("content", c), null));
    }
    sb.append(event(id, JSON.createObjectNode(), "stop"));
    return sb.append("data: [DONE]\n\n").toString();
  }

  /** An SSE stream of one tool call whose arguments arrive in pieces. */
  static String sseToolCall(String callId, String name, String... pieces) {
    String id = "chatcmpl-" + IDS.incrementAndGet();
    ObjectNode first = JSON.createObjectNode().put("role", "assistant").putNull("content");
    ObjectNode tc = first.putArray("tool_calls").addObject().put("index", 0).put("id", callId).put("type", "function");
    tc.putObject("function").put("name", name).put("arguments", "");
    StringBuilder sb = new StringBuilder(event(id, first, null));
    for (String p : pieces) {
      ObjectNode d = JSON.createObjectNode();
      d.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", p);
      sb.append(event(id, d, null));
    }
    sb.append(event(id, JSON.createObjectNode(), "tool_calls"));
    return sb.append("data: [DONE]\n\n").toString();
  }

  private static String event(String id, ObjectNode delta, String finishReason) {
    ObjectNode root = JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
        .put("created", 1727000000).put("model", "gpt-4o-mini-2024-07-18");
    ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return "data: " + root + "\n\n";
  }

  @Override
  public void close() {
    server.stop();
  }
}
