package dev.keyhole.springboot;

import dev.keyhole.Keyhole;
import dev.keyhole.springai.KeyholeObservationFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Redacts every observation key value, content observations included. After Spring AI's
 * auto-configurations and last in order, so that it runs after their content filters (Boot applies
 * filter beans in order, ties in registration order).
 */
@AutoConfiguration(after = KeyholeAutoConfiguration.class, afterName = {
    "org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration",
    "org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration",
    "org.springframework.ai.model.chat.observation.autoconfigure.ChatObservationAutoConfiguration"})
@ConditionalOnBean(Keyhole.class)
public class KeyholeObservationAutoConfiguration {
  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE)
  @ConditionalOnMissingBean
  KeyholeObservationFilter keyholeObservationFilter(Keyhole keyhole) {
    return new KeyholeObservationFilter(keyhole.redactor());
  }
}
