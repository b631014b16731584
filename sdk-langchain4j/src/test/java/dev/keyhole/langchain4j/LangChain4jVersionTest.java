package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.ConfigurationException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import org.junit.jupiter.api.Test;

class LangChain4jVersionTest {
  @Test
  void versionsOutsideTheRange_failFast_namingFoundAndRequired() {
    for (String old : new String[] {"1.13.0", "1.16.3", "0.36.2", "2.0.0", "2.1.0-beta1"}) {
      assertThatThrownBy(() -> LangChain4jVersion.check("langchain4j-core", old))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("found dev.langchain4j:langchain4j-core " + old)
          .hasMessageContaining("supports LangChain4j 1.17.0 or later, below 2.0");
    }
  }

  @Test
  void versionsInTheRange_pass() {
    for (String ok : new String[] {"1.17.0", "1.18.1", "1.19.0", "1.19.0-beta29", "1.23.0"}) {
      assertThatCode(() -> LangChain4jVersion.check("langchain4j", ok)).doesNotThrowAnyException();
    }
  }

  @Test
  void theTestsRunOnTheVersionTheBuildAskedFor() {
    String expected = System.getProperty("keyhole.test.langchain4j.version");
    assertThat(expected).as("set by the module's surefire configuration").isNotBlank();
    assertThat(LangChain4jVersion.version("langchain4j-core", ChatModel.class)).hasValue(expected);
    assertThat(LangChain4jVersion.version("langchain4j", AiServices.class)).hasValue(expected);
    assertThatCode(LangChain4jVersion::requireSupported).doesNotThrowAnyException();
  }
}
