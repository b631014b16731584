package dev.keyhole.langchain4j;

/** The provider conversation through LangChain4j's own Gemini client (see {@link ProviderConversationContract}). */
class GeminiEndToEndTest extends ProviderConversationContract {
  @Override
  ProviderMock newMock() {
    return new GeminiMock();
  }
}
