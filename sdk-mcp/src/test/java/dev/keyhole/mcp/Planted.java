package dev.keyhole.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.testkit.LeakAssertions;
import java.util.List;

/** Random values planted as secrets; a test asserts none of them appears where it must not. */
final class Planted {
  final String api = LeakAssertions.randomSecret();
  final String deploy = LeakAssertions.randomSecret();
  final String other = LeakAssertions.randomSecret();

  List<String> all() {
    return List.of(api, deploy, other);
  }

  /** The SLF4J log of this test JVM (the MCP SDK logs at debug there): no planted value in it. */
  void assertAbsentFromTestLog() throws java.io.IOException {
    String file = System.getProperty("org.slf4j.simpleLogger.logFile");
    assertThat(file).as("surefire sets the test log file").isNotNull();
    String log = java.nio.file.Files.readString(java.nio.file.Path.of(file));
    assertThat(log).contains("io.modelcontextprotocol");
    LeakAssertions.assertNoLeak("the test JVM's log", log, api, deploy, other);
  }

  void assertAbsent(String where, String text) {
    assertThat(text).as(where).isNotBlank();
    LeakAssertions.assertNoLeak(where, text, api, deploy, other);
  }
}
