/** Embedded providers that need no cloud: environment variables, .env files, in-memory. */
@NullMarked
package dev.keyhole.providers;

import org.jspecify.annotations.NullMarked;
