package dev.keyhole.langchain4j;

/** The provider conversation through LangChain4j's own Ollama client (see {@link ProviderConversationContract}). */
class OllamaEndToEndTest extends ProviderConversationContract {
  @Override
  ProviderMock newMock() {
    return new OllamaMock();
  }
}
