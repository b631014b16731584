package dev.keyhole.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.Redactor;
import dev.keyhole.Redactor.StreamingRedactor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectingRedactorTest {
  private final String token = Fakes.githubClassic("p");
  private final String text = "cloned with " + token + " ok";

  @Test
  void off_passesTextThrough() {
    DetectingRedactor r = DetectingRedactor.builder(Redactor.none()).build();
    assertThat(r.mode()).isEqualTo(DetectorMode.OFF);
    assertThat(r.redact(text)).isSameAs(text);
    assertThat(r.containsSecret(text)).isFalse();
  }

  @Test
  void flag_reportsWithoutChangingText() {
    List<Detection> seen = new ArrayList<>();
    DetectingRedactor r = DetectingRedactor.builder(Redactor.none()).mode(DetectorMode.FLAG)
        .listener(seen::add).build();
    assertThat(r.redact(text)).isEqualTo(text);
    assertThat(seen).singleElement().extracting(Detection::detectorId).isEqualTo("github-token");
  }

  @Test
  void redact_replacesRange_andIsIdempotent() {
    DetectingRedactor r = DetectingRedactor.builder(Redactor.none()).mode(DetectorMode.REDACT).build();
    String once = r.redact(text);
    assertThat(once).isEqualTo("cloned with [REDACTED:github-token] ok");
    assertThat(r.redact(once)).isEqualTo(once);
    assertThat(r.containsSecret(text)).isTrue();
  }

  @Test
  void streaming_catchesTokensSplitAcrossChunks() {
    DetectingRedactor r = DetectingRedactor.builder(Redactor.none()).mode(DetectorMode.REDACT).build();
    StringBuilder big = new StringBuilder();
    while (big.length() < 3 * DetectingRedactor.STREAM_WINDOW) {
      big.append("line of output ").append(big.length()).append('\n');
    }
    String input = big + text + "\n" + big + Fakes.pem() + "\n" + big;
    for (int chunk : new int[] {1, 7, 100, 5000}) {
      StreamingRedactor s = r.streaming();
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < input.length(); i += chunk) {
        out.append(s.write(input.substring(i, Math.min(input.length(), i + chunk))));
      }
      out.append(s.finish());
      assertThat(out.toString()).isEqualTo(r.redact(input)).doesNotContain(token)
          .contains("[REDACTED:private-key]");
    }
  }
}
