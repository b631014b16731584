package dev.keyhole.springai;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} parameter of a Spring AI {@code @Tool} method as a handle parameter: the
 * model passes a handle ({@code secret://github_token}), the method receives the value, after the
 * guard allowed the use. {@link KeyholeSpringAi#tools(Object...)} reads it; compile with {@code
 * -parameters} so that the parameter's name is known.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Secret {}
