package dev.keyhole.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.Keyhole;
import dev.keyhole.KeyholeException;
import dev.keyhole.TaskScope;
import dev.keyhole.providers.InMemoryProvider;
import dev.keyhole.springai.KeyholeSpringAi;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

class KeyholeRequestTasksTest {
  private final InMemoryProvider provider = InMemoryProvider.create().put("github_token", "kh-request-task-value-0001");
  private final Keyhole keyhole = Keyhole.builder().provider(provider).policy(
      KeyholeAutoConfiguration.policy("classpath:test-policy.yaml", new org.springframework.core.io.DefaultResourceLoader()))
      .build();

  @AfterEach
  void close() {
    RequestContextHolder.resetRequestAttributes();
    keyhole.close();
  }

  @Test
  void eachRequestRunsInItsOwnTask_namedAfterTheCaller_closedAtTheEnd() throws Exception {
    KeyholeRequestTasks filter = new KeyholeRequestTasks(keyhole, List.of("github_token"));
    AtomicReference<TaskScope> seen = new AtomicReference<>();
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/chat");
    request.setUserPrincipal(() -> "alice");
    filter.doFilter(request, new MockHttpServletResponse(), new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
      private static final long serialVersionUID = 1L;

      @Override
      protected void service(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res) {
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(req));
        TaskScope task = KeyholeRequestTasks.current();
        seen.set(task);
        assertThat(task.isOpen()).isTrue();
        assertThat(task.agentId()).contains("alice");
        assertThat(task.handles()).extracting(h -> h.name()).containsExactly("github_token");
        assertThat(KeyholeRequestTasks.toolContext()).containsEntry(KeyholeSpringAi.TASK, task);
      }
    }));
    assertThat(seen.get()).isNotNull();
    assertThat(seen.get().isOpen()).isFalse();
    assertThat(request.getAttribute(KeyholeRequestTasks.ATTRIBUTE)).isNull();
  }

  @Test
  void outsideARequestTask_currentSaysHowToEnableIt() {
    assertThatThrownBy(KeyholeRequestTasks::current).isInstanceOf(KeyholeException.class)
        .hasMessageContaining("keyhole.web.request-tasks=true");
  }

  @Test
  void registeredOnlyInServletAppsThatAskForIt() {
    WebApplicationContextRunner web = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KeyholeAutoConfiguration.class))
        .withPropertyValues("keyhole.audit.sink=none", "keyhole.aws.enabled=false");
    web.run(ctx -> assertThat(ctx).doesNotHaveBean(FilterRegistrationBean.class));
    web.withPropertyValues("keyhole.web.request-tasks=true", "keyhole.web.grants=github_token")
        .run(ctx -> assertThat(ctx).hasSingleBean(FilterRegistrationBean.class));
  }
}
