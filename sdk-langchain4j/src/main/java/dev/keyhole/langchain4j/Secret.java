package dev.keyhole.langchain4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameter of a LangChain4j {@code @Tool} method as taking a secret <em>handle</em>
 * ({@code secret://github_token}) from the model, and the secret's value in the Java code.
 *
 * <pre>{@code
 * class RepoTools {
 *   @Tool("Lists the open issues of a GitHub repository")
 *   String openIssues(String repo, @Secret SecretValue githubToken) { ... }
 * }
 * }</pre>
 *
 * <p>The parameter type must be {@code String} (the handle token is replaced by the value) or
 * {@link dev.keyhole.SecretValue} (preferred: the value never becomes a {@code String} in Keyhole,
 * and is destroyed after the call). The tool specification {@link GuardedTools} generates describes
 * the parameter as a handle and lists, as an enum, the handles the current task grants to the tool.
 * Handles found in parameters without {@code @Secret} are denied.
 *
 * <p>Parameter names come from {@code @P(name = ...)} or, without it, from the class file: compile
 * tool classes with {@code javac -parameters} ({@code <maven.compiler.parameters>true}) or Keyhole
 * refuses the tool with a {@link dev.keyhole.ConfigurationException}.
 *
 * <p>Security: the model only ever sees the handle. Whether the handle resolves is decided by the
 * task's policy (tool, destination, uses, TTL, approval) when the tool is called.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Secret {
  /**
   * Handle names this parameter accepts (for example {@code "github_token"}). Empty (the default):
   * every handle the task grants to this tool.
   */
  String[] handles() default {};

  /**
   * Whether the handle may appear inside larger text, as in {@code "Bearer secret://api_token"}
   * ({@code String} parameters only). Default false: the argument must be exactly one handle token.
   */
  boolean embedded() default false;
}
