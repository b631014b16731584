package dev.keyhole;

import org.jspecify.annotations.Nullable;

/**
 * One handle token found in text: the handle (null when malformed) and its {@code [start, end)}
 * range.
 *
 * @param handle the handle, or null when the token after {@code secret://} is not a valid name
 * @param start index of the first character of {@code secret://}
 * @param end index after the last character of the name
 * @param valid whether the name is valid
 */
public record HandleMatch(@Nullable SecretHandle handle, int start, int end, boolean valid) {}
