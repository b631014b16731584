package dev.keyhole.springboot;

import dev.keyhole.CacheSettings;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Keyhole;
import dev.keyhole.Policy;
import dev.keyhole.ResilienceSettings;
import dev.keyhole.SecretValue;
import dev.keyhole.audit.AuditSink;
import dev.keyhole.audit.JsonLinesAuditSink;
import dev.keyhole.audit.Slf4jAuditSink;
import dev.keyhole.aws.AwsClientOptions;
import dev.keyhole.aws.ParameterStoreProvider;
import dev.keyhole.aws.SecretsManagerProvider;
import dev.keyhole.aws.StsCredentialIssuer;
import dev.keyhole.onepassword.OnePasswordCliProvider;
import dev.keyhole.onepassword.OnePasswordConnectProvider;
import dev.keyhole.providers.DotenvProvider;
import dev.keyhole.providers.EnvProvider;
import dev.keyhole.redact.DetectingRedactor;
import dev.keyhole.redact.DetectorMode;
import dev.keyhole.spi.CredentialIssuer;
import dev.keyhole.spi.SecretProvider;
import dev.keyhole.springai.KeyholeAdvisor;
import dev.keyhole.springai.KeyholeSpringAi;
import dev.keyhole.springai.KeyholeToolExecutionExceptionProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.ai.tool.execution.ToolExecutionExceptionProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configures a {@link Keyhole} from {@code keyhole.*}, Keyhole for Spring AI (the advisor on
 * every auto-configured {@code ChatClient}, the tool-error processor), Micrometer meters, a health
 * contributor per provider, and request tasks for web applications. Every bean backs off when the
 * application defines its own.
 *
 * <p>Providers: {@code env:} always, {@code dotenv:} unless disabled, AWS (Secrets Manager,
 * Parameter Store, STS) when {@code keyhole-aws} is on the class path, 1Password when {@code
 * keyhole-1password} is and Connect or the CLI is configured; plus every {@link SecretProvider} and
 * {@link CredentialIssuer} bean of the application. Audit events go to {@code keyhole.audit.sink},
 * every {@link AuditSink} bean, and the meters.
 */
@AutoConfiguration(beforeName = {
    "org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration",
    "org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration"})
@ConditionalOnProperty(prefix = "keyhole", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(KeyholeProperties.class)
public class KeyholeAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  EnvProvider keyholeEnvProvider() {
    return EnvProvider.create();
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "keyhole.dotenv", name = "enabled", matchIfMissing = true)
  DotenvProvider keyholeDotenvProvider(KeyholeProperties props) {
    return DotenvProvider.withBaseDir(props.getDotenv().getBaseDir());
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Keyhole keyhole(KeyholeProperties props, ResourceLoader resources,
      ObjectProvider<SecretProvider> providers, ObjectProvider<CredentialIssuer> issuers,
      ObjectProvider<AuditSink> auditSinks, ObjectProvider<MeterRegistryHolder> meters) {
    Keyhole.Builder b = Keyhole.builder().policy(policy(props.getPolicy(), resources));
    providers.orderedStream().forEach(b::provider);
    issuers.orderedStream().forEach(b::issuer);
    KeyholeProperties.Cache cache = props.getCache();
    b.cache(!cache.isEnabled() ? CacheSettings.disabled() : CacheSettings.defaults()
        .withTtl(cache.getTtl()).withMaxStale(cache.getMaxStale()).withMaxEntries(cache.getMaxEntries()));
    ResilienceSettings r = ResilienceSettings.defaults();
    if (props.getResilience().getMaxAttempts() != null) {
      r = r.withMaxAttempts(props.getResilience().getMaxAttempts());
    }
    if (props.getResilience().getTimeout() != null) {
      r = r.withTimeout(props.getResilience().getTimeout());
    }
    b.resilience(r);
    AuditSink sink = switch (props.getAudit().getSink()) {
      case SLF4J -> Slf4jAuditSink.create();
      case JSONL -> JsonLinesAuditSink.toFile(props.getAudit().getFile());
      case NONE -> AuditSink.noop();
    };
    List<AuditSink> sinks = new ArrayList<>(List.of(sink));
    auditSinks.orderedStream().forEach(sinks::add);
    Optional<KeyholeMeters> m = meters.stream().findFirst().map(MeterRegistryHolder::meters);
    m.ifPresent(sinks::add);
    b.auditSink(AuditSink.all(sinks.toArray(AuditSink[]::new)));
    Keyhole keyhole = b.build();
    m.ifPresent(k -> k.bind(keyhole));
    return keyhole;
  }

  static Policy policy(String location, ResourceLoader resources) {
    if (location == null || location.isBlank()) {
      return Policy.empty();
    }
    Resource r = resources.getResource(location);
    try (InputStream in = r.getInputStream()) {
      return Policy.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), location);
    } catch (IOException e) {
      throw new ConfigurationException("keyhole.policy: cannot read '" + location + "' ("
          + e.getClass().getSimpleName() + "); point it at a policy file, e.g."
          + " classpath:keyhole-policy.yaml");
    }
  }

  @Bean
  @ConditionalOnMissingBean
  KeyholeSpringAi keyholeSpringAi(Keyhole keyhole) {
    return KeyholeSpringAi.builder(keyhole).build();
  }

  @Bean
  @ConditionalOnMissingBean
  KeyholeAdvisor keyholeAdvisor(Keyhole keyhole, KeyholeProperties props) {
    DetectorMode mode = props.getDetectors();
    return KeyholeAdvisor.create(mode == DetectorMode.OFF ? keyhole.redactor()
        : DetectingRedactor.builder(keyhole.redactor()).mode(mode).build());
  }

  /** Every auto-configured ChatClient.Builder gets the advisor. */
  @Bean
  ChatClientBuilderCustomizer keyholeChatClientCustomizer(KeyholeAdvisor advisor) {
    return builder -> builder.defaultAdvisors(advisor);
  }

  /** Spring AI's tool-calling manager turns tool errors into text with this (no original causes). */
  @Bean
  @ConditionalOnMissingBean(ToolExecutionExceptionProcessor.class)
  KeyholeToolExecutionExceptionProcessor keyholeToolExecutionExceptionProcessor(Keyhole keyhole) {
    return new KeyholeToolExecutionExceptionProcessor(keyhole.redactor());
  }

  /** The meter registry, looked up lazily so that Keyhole does not depend on metrics ordering. */
  record MeterRegistryHolder(KeyholeMeters meters) {}

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {
    @Bean
    MeterRegistryHolder keyholeMeters(ObjectProvider<MeterRegistry> registry) {
      MeterRegistry r = registry.getIfAvailable();
      return r == null ? null : new MeterRegistryHolder(new KeyholeMeters(r));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SecretsManagerProvider.class)
  @ConditionalOnProperty(prefix = "keyhole.aws", name = "enabled", matchIfMissing = true)
  static class AwsProviders {
    static AwsClientOptions options(KeyholeProperties props) {
      AwsClientOptions.Builder o = AwsClientOptions.builder();
      if (props.getAws().getRegion() != null) {
        o.region(props.getAws().getRegion());
      }
      if (props.getAws().getEndpoint() != null) {
        o.endpointOverride(URI.create(props.getAws().getEndpoint()));
      }
      return o.build();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SecretsManagerProvider keyholeSecretsManager(KeyholeProperties props) {
      return SecretsManagerProvider.builder().options(options(props)).build();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    ParameterStoreProvider keyholeParameterStore(KeyholeProperties props) {
      return ParameterStoreProvider.builder().options(options(props)).build();
    }

    @Bean
    @ConditionalOnMissingBean
    StsCredentialIssuer keyholeStsIssuer(KeyholeProperties props) {
      return StsCredentialIssuer.builder().options(options(props)).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(OnePasswordConnectProvider.class)
  static class OnePasswordProviders {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean({OnePasswordConnectProvider.class, OnePasswordCliProvider.class})
    @ConditionalOnProperty(prefix = "keyhole.onepassword", name = "connect-host")
    OnePasswordConnectProvider keyholeOnePasswordConnect(KeyholeProperties props) {
      KeyholeProperties.OnePassword op = props.getOnepassword();
      OnePasswordConnectProvider.Builder b = OnePasswordConnectProvider.builder().host(op.getConnectHost());
      if (op.getConnectToken() == null || op.getConnectToken().isBlank()) {
        throw new ConfigurationException("keyhole.onepassword.connect-host is set but"
            + " keyhole.onepassword.connect-token is not; bind the token from the environment");
      }
      try (SecretValue token = SecretValue.ofString(op.getConnectToken())) {
        return b.token(token).build();
      }
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean({OnePasswordConnectProvider.class, OnePasswordCliProvider.class})
    @ConditionalOnProperty(prefix = "keyhole.onepassword", name = "cli", havingValue = "true")
    OnePasswordCliProvider keyholeOnePasswordCli() {
      return OnePasswordCliProvider.create();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthContributor.class)
  static class ProviderHealthContributors {
    @Bean
    @ConditionalOnMissingBean(name = "keyholeHealthContributor")
    HealthContributor keyholeHealthContributor(ObjectProvider<SecretProvider> providers,
        KeyholeProperties props, Environment env) {
      Map<String, ProviderHealth> indicators = new LinkedHashMap<>();
      providers.orderedStream().forEach(p -> indicators.put(p.id(), new ProviderHealth(p, probe(p, props, env))));
      return CompositeHealthContributor.fromMap(indicators);
    }

    private static java.util.function.@org.jspecify.annotations.Nullable Supplier<Health.Builder> probe(
        SecretProvider p, KeyholeProperties props, Environment env) {
      if (classPresent("dev.keyhole.onepassword.OnePasswordConnectProvider") && OnePasswordProbe.handles(p)) {
        return OnePasswordProbe.of(p);
      }
      if (classPresent("dev.keyhole.aws.SecretsManagerProvider") && AwsProbe.handles(p)) {
        String endpoint = props.getAws().getEndpoint();
        String region = Optional.ofNullable(props.getAws().getRegion())
            .orElse(env.getProperty("AWS_REGION", "us-east-1"));
        return ProviderHealth.reachable(URI.create(endpoint != null ? endpoint
            : "https://" + AwsProbe.service(p) + "." + region + ".amazonaws.com/"));
      }
      return null;
    }

    private static boolean classPresent(String name) {
      return org.springframework.util.ClassUtils.isPresent(name, KeyholeAutoConfiguration.class.getClassLoader());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass({FilterRegistrationBean.class, org.springframework.web.filter.OncePerRequestFilter.class})
  @ConditionalOnProperty(prefix = "keyhole.web", name = "request-tasks", havingValue = "true")
  static class RequestTasks {
    @Bean
    FilterRegistrationBean<KeyholeRequestTasks> keyholeRequestTasks(Keyhole keyhole, KeyholeProperties props) {
      FilterRegistrationBean<KeyholeRequestTasks> r =
          new FilterRegistrationBean<>(new KeyholeRequestTasks(keyhole, props.getWeb().getGrants()));
      r.setUrlPatterns(props.getWeb().getUrlPatterns());
      return r;
    }
  }
}
