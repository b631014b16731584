/**
 * Test support for Keyhole and its adapters: {@link dev.keyhole.testkit.SecretProviderContractTest}
 * (the behavioural spec every provider passes), {@link dev.keyhole.testkit.FakeClock},
 * {@link dev.keyhole.testkit.RecordingAuditSink}, {@link dev.keyhole.testkit.FaultInjectingProvider}
 * and {@link dev.keyhole.testkit.LeakAssertions}.
 */
@NullMarked
package dev.keyhole.testkit;

import org.jspecify.annotations.NullMarked;
