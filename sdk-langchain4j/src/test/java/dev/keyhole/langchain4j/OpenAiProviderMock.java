package dev.keyhole.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;

/** OpenAI's chat completions in the {@link ProviderMock} shape (bodies from {@link OpenAiMock}). */
final class OpenAiProviderMock extends ProviderMock {
  @Override
  String name() {
    return "openai";
  }

  @Override
  ChatModel chatModel() {
    return OpenAiChatModel.builder().baseUrl(server.baseUrl() + "/v1").apiKey("test-api-key")
        .modelName(OpenAiMock.MODEL).maxRetries(0).timeout(Duration.ofSeconds(20)).build();
  }

  @Override
  StreamingChatModel streamingChatModel() {
    return OpenAiStreamingChatModel.builder().baseUrl(server.baseUrl() + "/v1").apiKey("test-api-key")
        .modelName(OpenAiMock.MODEL).timeout(Duration.ofSeconds(20)).build();
  }

  @Override
  ProviderMock thenToolCall(boolean streamed, String id, String tool, String... pieces) {
    return streamed
        ? then(ProviderMock::postTo, "/v1/chat/completions", "text/event-stream",
            OpenAiMock.sseToolCall(id, tool, pieces))
        : then(ProviderMock::postTo, "/v1/chat/completions", "application/json",
            OpenAiMock.toolCalls(OpenAiMock.call(id, tool, String.join("", pieces))));
  }

  @Override
  ProviderMock thenText(boolean streamed, String... chunks) {
    return streamed
        ? then(ProviderMock::postTo, "/v1/chat/completions", "text/event-stream", OpenAiMock.sseText(chunks))
        : then(ProviderMock::postTo, "/v1/chat/completions", "application/json",
            OpenAiMock.text(String.join("", chunks)));
  }
}
