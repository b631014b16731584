package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.SecretValue;
import dev.keyhole.TaskScope;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.tool.AiServiceTool;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tool schemas carry handles, never a trace of Keyhole's own types. */
class SchemaHygieneTest {
  /** A recursive parameter type of the application's own, which needs its {@code $defs}. */
  public static final class Node {
    public String name;
    public List<Node> children;
  }

  static final class Tools {
    @Tool(name = "list_repos", value = "Lists repositories")
    String listRepos(String org, @Secret SecretValue token) {
      return "ok";
    }

    @Tool(name = "walk", value = "Walks a tree")
    String walk(Node root, @Secret SecretValue token) {
      return "ok";
    }
  }

  private Fixture fx;
  private TaskScope task;

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    fx.plant("token");
    task = fx.open("schema-task", Fixture.grant("token", "list_repos", "walk").build());
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private String json(String tool) {
    for (AiServiceTool t : GuardedTools.of(task).fromObjects(new Tools())) {
      if (t.name().equals(tool)) {
        return t.toolSpecification().toJson();
      }
    }
    throw new AssertionError(tool);
  }

  @Test
  void aSecretValueParameter_leavesNoDefinitions_andNoKeyholeType() {
    String spec = json("list_repos");

    assertThat(spec).contains("secret://token").doesNotContain("definitions").doesNotContain("$defs")
        .doesNotContainIgnoringCase("SecretValue").doesNotContainIgnoringCase("keyhole.")
        .doesNotContainIgnoringCase("destroyed");
  }

  @Test
  void definitionsTheApplicationsOwnParametersUse_areKept() {
    String spec = json("walk");

    // LangChain4j names the recursive type's definition by a UUID; it is referenced, so it stays.
    assertThat(spec).contains("\"children\"").contains("\"$defs\"").contains("\"$ref\"")
        .doesNotContainIgnoringCase("SecretValue");
  }
}
