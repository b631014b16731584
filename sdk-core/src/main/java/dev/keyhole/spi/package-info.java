/** Service-provider interfaces: secret providers and credential issuers. */
@NullMarked
package dev.keyhole.spi;

import org.jspecify.annotations.NullMarked;
