package dev.keyhole.samples;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * LangChain4j's JDK HTTP client, recording the exact body of every request it sends: what
 * {@code --transcript} writes, for the scripted model and a real one alike.
 */
final class RecordingHttpClient implements HttpClient {
  private final HttpClient delegate;
  private final List<String> bodies;

  private RecordingHttpClient(HttpClient delegate, List<String> bodies) {
    this.delegate = delegate;
    this.bodies = bodies;
  }

  /** A builder for {@code OpenAiChatModel.builder().httpClientBuilder(...)} that records into {@code bodies}. */
  static HttpClientBuilder builder(List<String> bodies) {
    return new Builder(bodies);
  }

  /** A thread-safe list to record into. */
  static List<String> newRecord() {
    return new CopyOnWriteArrayList<>();
  }

  private void record(HttpRequest request) {
    if (request.body() != null) {
      bodies.add(request.body());
    }
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    record(request);
    return delegate.execute(request);
  }

  @Override
  public void execute(HttpRequest request, ServerSentEventParser parser,
      ServerSentEventListener listener) {
    record(request);
    delegate.execute(request, parser, listener);
  }

  private static final class Builder implements HttpClientBuilder {
    private final JdkHttpClientBuilder jdk = JdkHttpClient.builder();
    private final List<String> bodies;

    Builder(List<String> bodies) {
      this.bodies = bodies;
    }

    @Override
    public Duration connectTimeout() {
      return jdk.connectTimeout();
    }

    @Override
    public HttpClientBuilder connectTimeout(Duration timeout) {
      jdk.connectTimeout(timeout);
      return this;
    }

    @Override
    public Duration readTimeout() {
      return jdk.readTimeout();
    }

    @Override
    public HttpClientBuilder readTimeout(Duration timeout) {
      jdk.readTimeout(timeout);
      return this;
    }

    @Override
    public HttpClient build() {
      return new RecordingHttpClient(jdk.build(), bodies);
    }
  }
}
