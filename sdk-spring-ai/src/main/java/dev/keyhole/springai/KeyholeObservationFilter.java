package dev.keyhole.springai;

import dev.keyhole.Redactor;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;
import java.util.Objects;

/**
 * Redacts every key value of every observation (Spring AI's tool-call arguments and results, prompt
 * and completion content when content observation is on) before handlers and exporters see it.
 * Register it after Spring AI's content filters; the starter does.
 *
 * <p>Security: tool results and requests are already redacted by the tool callbacks and the {@link
 * KeyholeAdvisor}; this catches what the model itself wrote (a tool call carrying a value it should
 * never have had), which Spring AI records as it arrived.
 */
public final class KeyholeObservationFilter implements ObservationFilter {
  private final Redactor redactor;

  public KeyholeObservationFilter(Redactor redactor) {
    this.redactor = Objects.requireNonNull(redactor, "redactor");
  }

  @Override
  public Observation.Context map(Observation.Context context) {
    for (KeyValue kv : context.getHighCardinalityKeyValues()) {
      String safe = redactor.redact(kv.getValue());
      if (!safe.equals(kv.getValue())) {
        context.addHighCardinalityKeyValue(KeyValue.of(kv.getKey(), safe));
      }
    }
    for (KeyValue kv : context.getLowCardinalityKeyValues()) {
      String safe = redactor.redact(kv.getValue());
      if (!safe.equals(kv.getValue())) {
        context.addLowCardinalityKeyValue(KeyValue.of(kv.getKey(), safe));
      }
    }
    return context;
  }
}
