/**
 * {@code keyhole migrate}: plans and performs moving values out of files into 1Password Connect,
 * AWS Secrets Manager or a local store outside the repository, leaving references and a policy.
 *
 * <p>Security: values travel only to the chosen store (and the owner-only backup outside the
 * repository); they are never printed, logged or written into the repository.
 */
@NullMarked
package dev.keyhole.cli.migrate;

import org.jspecify.annotations.NullMarked;
