/**
 * The {@code keyhole} command line: {@code scan} and {@code migrate}.
 *
 * <p>Security: values are never printed, logged or written into the repository.
 */
@NullMarked
package dev.keyhole.cli;

import org.jspecify.annotations.NullMarked;
