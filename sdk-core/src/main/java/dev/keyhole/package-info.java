/** Keyhole API: handles, secret values, the broker, task scopes, policy and the tool guard. */
@NullMarked
package dev.keyhole;

import org.jspecify.annotations.NullMarked;
