package dev.keyhole.langchain4j;

/** The provider conversation through LangChain4j's own Anthropic client (see {@link ProviderConversationContract}). */
class AnthropicEndToEndTest extends ProviderConversationContract {
  @Override
  ProviderMock newMock() {
    return new AnthropicMock();
  }
}
