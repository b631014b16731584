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

  void assertAbsent(String where, String text) {
    assertThat(text).as(where).isNotBlank();
    LeakAssertions.assertNoLeak(where, text, api, deploy, other);
  }
}
