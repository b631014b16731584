package dev.keyhole.checks.readme;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.Keyhole;
import dev.keyhole.SecretValue;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.tool.ToolProvider;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.springframework.ai.tool.ToolCallbackProvider;

/**
 * What README snippets use without declaring it: the things a reader brings (their model, their
 * HTTP client, the text to redact). Every generated snippet class extends this one, so a snippet
 * may use these names as its own. Add a field here only for such reader-supplied things; a snippet
 * declares everything Keyhole itself provides. Nothing here runs: snippets are compiled, not run.
 */
@SuppressWarnings({"unused", "NullAway", "UnusedVariable"})
abstract class ReadmeContext {
  /** An application's {@code Keyhole}, for snippets that show a later step. */
  protected Keyhole keyhole;

  /** The JSON arguments the model sent with a tool call. */
  protected String modelArgumentsJson;

  /** "Your real tool": sends an HTTP request described by the (substituted) arguments. */
  protected YourHttpClient httpClient;

  /** "Your GitHub client": called by a {@code @Tool} method with the resolved token. */
  protected YourGitHubClient gitHub;

  /** The agent's working directory. */
  protected Path workspace;

  /** The model an application already has (e.g. LangChain4j's OpenAiChatModel). */
  protected ChatModel openAiModel;

  /** Another LangChain4j model (e.g. AnthropicChatModel). */
  protected ChatModel anthropicModel;

  /** A Spring AI model (e.g. Spring AI's OpenAiChatModel). */
  protected org.springframework.ai.chat.model.ChatModel openAiChatModel;

  /** Spring AI tools from elsewhere, e.g. an MCP client's {@code SyncMcpToolCallbackProvider}. */
  protected ToolCallbackProvider mcpToolCallbackProvider;

  /** Who is asking: the chat-memory id of a LangChain4j AI service call. */
  protected String userId;

  /** An MCP (or any) LangChain4j tool provider. */
  protected ToolProvider mcpToolProvider;

  /** The application's clock. */
  protected Clock clock;

  /** Some text to redact, a stream to redact into, an exception to describe. */
  protected String text;

  protected Writer processStdout;

  protected Exception exception;

  /** A LangChain4j AI service interface, with a chat memory per user. */
  protected interface Assistant {
    String chat(@MemoryId String userId, @UserMessage String userMessage);
  }

  /** An application's {@code @Tool} class (LangChain4j), as the README's RepoTools snippets show it. */
  protected static class RepoTools {
    @dev.langchain4j.agent.tool.Tool("Lists the open issues of a GitHub repository")
    String openIssues(String repo, @dev.keyhole.langchain4j.Secret SecretValue githubToken) {
      return GitHubClient.withToken(githubToken.revealString()).openIssues(repo).toString();
    }
  }

  /** A client library that takes its credential when it is built. */
  protected interface GitHubClient {
    static GitHubClient withToken(String token) {
      return repo -> List.of();   // a stand-in: snippets are compiled, never run
    }

    List<String> openIssues(String repo);
  }

  protected interface YourHttpClient {
    String send(JsonNode request);
  }

  protected interface YourGitHubClient {
    String openIssues(String repo, SecretValue token);

    String openIssues(String repo, String token);
  }
}
