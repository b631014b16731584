package dev.keyhole.langchain4j;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.Extension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * WireMock playing one model provider's HTTP API in its real wire format: model turns are scripted
 * in order (a WireMock scenario), and the exact request bytes are read back from the request
 * journal. Subclasses speak one provider's format, plain and streamed.
 */
abstract class ProviderMock implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final WireMockServer server;
  private int steps;

  ProviderMock(Extension... extensions) {
    server = new WireMockServer(options().dynamicPort().extensions(extensions));
    server.start();
  }

  abstract String name();

  abstract ChatModel chatModel();

  abstract StreamingChatModel streamingChatModel();

  /** The next turn asks for one tool call; streamed, its arguments arrive in {@code pieces}. */
  abstract ProviderMock thenToolCall(boolean streamed, String id, String tool, String... pieces);

  /** The next turn answers with text; streamed, in {@code chunks}. */
  abstract ProviderMock thenText(boolean streamed, String... chunks);

  /**
   * Stubs the next call: {@code request} picks the endpoint, {@code contentType} and {@code body}
   * make the response.
   */
  final ProviderMock then(Function<String, MappingBuilder> request, String path, String contentType,
      String body) {
    return then(request.apply(path),
        aResponse().withStatus(200).withHeader("Content-Type", contentType).withBody(body));
  }

  /** Stubs the next call: {@code request} matches it, {@code response} answers it. */
  final ProviderMock then(MappingBuilder request, ResponseDefinitionBuilder response) {
    String state = steps == 0 ? Scenario.STARTED : "step-" + steps;
    steps++;
    server.stubFor(request.inScenario(name()).whenScenarioStateIs(state)
        .willSetStateTo("step-" + steps).willReturn(response));
    return this;
  }

  static MappingBuilder postTo(String path) {
    return post(urlPathEqualTo(path));
  }

  /** Every request body, oldest first, as the exact bytes (UTF-8). */
  final List<String> requestBodies() {
    List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
    events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
    List<String> out = new ArrayList<>();
    for (ServeEvent e : events) {
      out.add(new String(e.getRequest().getBody(), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Every request (URL, headers and body) as one text, for leak checks. */
  final String journalText() {
    StringBuilder sb = new StringBuilder();
    for (ServeEvent e : server.getAllServeEvents()) {
      sb.append(e.getRequest().getAbsoluteUrl()).append('\n')
          .append(e.getRequest().getHeaders()).append('\n')
          .append(new String(e.getRequest().getBody(), StandardCharsets.UTF_8)).append("\n\n");
    }
    return sb.toString();
  }

  /** Requests that WireMock could not match (a wrong path or a scenario out of step). */
  final int unmatched() {
    return server.findAllUnmatchedRequests().size();
  }

  @Override
  public void close() {
    server.stop();
  }
}
