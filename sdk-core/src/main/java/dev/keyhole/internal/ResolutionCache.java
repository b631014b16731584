package dev.keyhole.internal;

import dev.keyhole.CacheSettings;
import dev.keyhole.KeyholeException;
import dev.keyhole.SecretRef;
import dev.keyhole.spi.ResolvedSecret;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Cross-task cache of resolved secrets: TTL, serve-stale on retryable failures only, single-flight
 * loading, a size bound, and wiping of every value it drops. Callers always get their own copy.
 */
public final class ResolutionCache {
  /** What {@link #get} returns: the caller's copy and whether it was served stale. */
  public record Lookup(ResolvedSecret secret, boolean stale, boolean hit) {}

  private static final class Entry {
    final ResolvedSecret master;
    final Instant freshUntil;
    final Instant staleUntil;

    Entry(ResolvedSecret master, Instant freshUntil, Instant staleUntil) {
      this.master = master;
      this.freshUntil = freshUntil;
      this.staleUntil = staleUntil;
    }
  }

  private final CacheSettings settings;
  private final Clock clock;
  private final Map<SecretRef, Entry> entries = new ConcurrentHashMap<>();
  private final Map<SecretRef, CompletableFuture<Entry>> inflight = new ConcurrentHashMap<>();

  public ResolutionCache(CacheSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Returns a copy of the cached value, loading it (once, however many callers ask at the same time)
   * when missing or past its TTL. When loading fails with a retryable error and a stale copy is
   * still within {@code maxStale} (and before the provider's own expiry), the stale copy is served
   * and {@code onStale} is told why. Non-retryable failures drop any cached copy.
   */
  public Lookup get(SecretRef ref, Supplier<ResolvedSecret> loader, Consumer<KeyholeException> onStale) {
    for (int attempt = 0; ; attempt++) {
      Entry e = entries.get(ref);
      Instant now = clock.instant();
      if (e != null && now.isBefore(e.freshUntil)) {
        Optional<ResolvedSecret> copy = tryCopy(e);
        if (copy.isPresent()) {
          return new Lookup(copy.get(), false, true);
        }
        continue; // evicted while copying; look again
      }
      CompletableFuture<Entry> mine = new CompletableFuture<>();
      CompletableFuture<Entry> running = inflight.putIfAbsent(ref, mine);
      Entry loaded;
      if (running == null) {
        Entry again = entries.get(ref);
        if (again != null && again != e && clock.instant().isBefore(again.freshUntil)) {
          // Another loader finished between our lookup and our claim: use its result.
          inflight.remove(ref, mine);
          mine.complete(again);
          continue;
        }
        try {
          loaded = load(ref, loader);
          mine.complete(loaded);
        } catch (KeyholeException ex) {
          mine.completeExceptionally(ex);
          inflight.remove(ref, mine);
          return stale(ref, e, ex, onStale);
        } catch (RuntimeException | Error ex) {
          mine.completeExceptionally(ex);
          inflight.remove(ref, mine);
          throw ex;
        }
        inflight.remove(ref, mine);
      } else {
        try {
          loaded = running.join();
        } catch (CompletionException ce) {
          if (ce.getCause() instanceof KeyholeException ex) {
            return stale(ref, entries.get(ref), ex, onStale);
          }
          throw ce;
        }
      }
      Optional<ResolvedSecret> copy = tryCopy(loaded);
      if (copy.isPresent()) {
        return new Lookup(copy.get(), false, false);
      }
      if (attempt > 5) {
        throw new KeyholeException("Cache entry for " + ref + " was evicted repeatedly while being"
            + " read; raise CacheSettings.maxEntries");
      }
    }
  }

  private Entry load(SecretRef ref, Supplier<ResolvedSecret> loader) {
    ResolvedSecret fresh = loader.get();
    Instant now = clock.instant();
    Instant freshUntil = now.plus(settings.ttl());
    Instant staleUntil = freshUntil.plus(settings.maxStale());
    if (fresh.expiresAt().isPresent()) {
      Instant exp = fresh.expiresAt().get();
      freshUntil = min(freshUntil, exp);
      staleUntil = min(staleUntil, exp);
    }
    Entry entry = new Entry(fresh, freshUntil, staleUntil);
    Entry old = entries.put(ref, entry);
    if (old != null && old != entry) {
      old.master.destroy();
    }
    enforceBound();
    return entry;
  }

  private Lookup stale(SecretRef ref, Entry e, KeyholeException ex, Consumer<KeyholeException> onStale) {
    Instant now = clock.instant();
    if (ex.retryable() && e != null && now.isBefore(e.staleUntil)) {
      Optional<ResolvedSecret> copy = tryCopy(e);
      if (copy.isPresent()) {
        onStale.accept(ex);
        return new Lookup(copy.get(), true, true);
      }
    }
    if (!ex.retryable()) {
      invalidate(ref);
    }
    throw ex;
  }

  private static Optional<ResolvedSecret> tryCopy(Entry e) {
    try {
      return Optional.of(e.master.copy());
    } catch (IllegalStateException destroyed) {
      return Optional.empty();
    }
  }

  /** Stores an already-fetched secret (batch prefetch); the cache takes ownership. */
  public void put(SecretRef ref, ResolvedSecret secret) {
    Instant now = clock.instant();
    Instant freshUntil = now.plus(settings.ttl());
    Instant staleUntil = freshUntil.plus(settings.maxStale());
    if (secret.expiresAt().isPresent()) {
      freshUntil = min(freshUntil, secret.expiresAt().get());
      staleUntil = min(staleUntil, secret.expiresAt().get());
    }
    Entry old = entries.put(ref, new Entry(secret, freshUntil, staleUntil));
    if (old != null) {
      old.master.destroy();
    }
    enforceBound();
  }

  /** Whether a fresh (within TTL) value is cached. */
  public boolean isFresh(SecretRef ref) {
    Entry e = entries.get(ref);
    return e != null && clock.instant().isBefore(e.freshUntil);
  }

  public void invalidate(SecretRef ref) {
    Entry old = entries.remove(ref);
    if (old != null) {
      old.master.destroy();
    }
  }

  /** Drops entries past their stale limit. */
  public void sweep() {
    Instant now = clock.instant();
    entries.forEach((ref, e) -> {
      if (!now.isBefore(e.staleUntil) && entries.remove(ref, e)) {
        e.master.destroy();
      }
    });
  }

  private void enforceBound() {
    while (entries.size() > settings.maxEntries()) {
      entries.entrySet().stream()
          .min(Comparator.comparing((Map.Entry<SecretRef, Entry> x) -> x.getValue().freshUntil))
          .ifPresent(oldest -> {
            if (entries.remove(oldest.getKey(), oldest.getValue())) {
              oldest.getValue().master.destroy();
            }
          });
    }
  }

  public int size() {
    return entries.size();
  }

  /** Wipes and drops everything. */
  public void clear() {
    entries.keySet().forEach(this::invalidate);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  @Override
  public String toString() {
    return "ResolutionCache[" + entries.size() + " entries, " + settings + "]";
  }
}
