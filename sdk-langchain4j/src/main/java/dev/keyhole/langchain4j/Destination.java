package dev.keyhole.langchain4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the {@code String} parameter of a {@code @Tool} method that says where the tool sends its
 * secrets: an absolute URL ({@code https://api.github.com/repos/acme/app}) or a bare host. Keyhole
 * checks the host against the grant's destinations before any handle of the call resolves, so a
 * prompt-injected model cannot point the tool at a host of its choosing.
 *
 * <p>At most one parameter per tool; tools without one have no destination (grants are then checked
 * for tool name, uses, TTL and approval only). For tools that are not {@code @Tool} methods (MCP,
 * hand-written executors) declare the destination with {@link GuardedTools.Builder#destination}.
 *
 * <p>Security: handle tokens inside the destination are ignored (they never pick the host), and a
 * handle in a {@code @Destination} parameter is denied because it is not a {@link Secret} parameter.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Destination {}
