package dev.keyhole.langchain4j;

/** The provider conversation through LangChain4j's own OpenAI client (see {@link ProviderConversationContract}). */
class OpenAiEndToEndTest extends ProviderConversationContract {
  @Override
  ProviderMock newMock() {
    return new OpenAiMock();
  }
}
