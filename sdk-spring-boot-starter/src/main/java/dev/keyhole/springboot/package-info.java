/**
 * Spring Boot auto-configuration for Keyhole: {@link dev.keyhole.springboot.KeyholeAutoConfiguration}
 * and its {@code keyhole.*} {@linkplain dev.keyhole.springboot.KeyholeProperties properties}.
 */
@NullMarked
package dev.keyhole.springboot;

import org.jspecify.annotations.NullMarked;
