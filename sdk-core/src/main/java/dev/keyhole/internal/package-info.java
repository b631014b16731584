/** Implementation details; not exported, not API. */
@NullMarked
package dev.keyhole.internal;

import org.jspecify.annotations.NullMarked;
