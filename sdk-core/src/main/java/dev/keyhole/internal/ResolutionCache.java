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
 *
 * <p>A value that could never be served again (a TTL and a stale window of zero, as with {@link
 * CacheSettings#disabled()}, or a provider expiry already past) is not stored at all: the loader
 * and the callers waiting on the same load take their copies, and the last of them wipes it, so
 * nothing is left behind for a sweep to find.
 */
public final class ResolutionCache {
  /** What {@link #get} returns: the caller's copy and whether it was served stale. */
  public record Lookup(ResolvedSecret secret, boolean stale, boolean hit) {}

  private static final class Entry {
    final ResolvedSecret master;
    final Instant freshUntil;
    final Instant staleUntil;
    /** False when the entry is not in {@code entries}: its readers own (and wipe) the master. */
    final boolean stored;

    Entry(ResolvedSecret master, Instant freshUntil, Instant staleUntil, boolean stored) {
      this.master = master;
      this.freshUntil = freshUntil;
      this.staleUntil = staleUntil;
      this.stored = stored;
    }
  }

  /**
   * One load in progress. Callers that join it are counted while it is in {@code inflight} (under
   * the map's per-key lock), so when the loader has removed it the count is final: the last reader
   * of an unstored entry wipes its master.
   */
  private static final class Flight {
    final CompletableFuture<Entry> result = new CompletableFuture<>();
    private int pendingReaders; // guarded by this
    private boolean loaderDone; // guarded by this

    synchronized void join() {
      pendingReaders++;
    }

    /** A joined reader has taken its copy (or given up); true if it must wipe the master. */
    synchronized boolean readerDone() {
      pendingReaders--;
      return loaderDone && pendingReaders == 0;
    }

    /** The loader has taken its copy and no reader can join any more; true if it must wipe. */
    synchronized boolean loaderDone() {
      loaderDone = true;
      return pendingReaders == 0;
    }
  }

  private final CacheSettings settings;
  private final Clock clock;
  private final Map<SecretRef, Entry> entries = new ConcurrentHashMap<>();
  private final Map<SecretRef, Flight> inflight = new ConcurrentHashMap<>();

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
      Flight mine = new Flight();
      Flight running = inflight.compute(ref, (k, current) -> {
        if (current == null) {
          return mine;
        }
        current.join();
        return current;
      });
      Optional<ResolvedSecret> copy;
      if (running == mine) {
        Entry again = entries.get(ref);
        if (again != null && again != e && clock.instant().isBefore(again.freshUntil)) {
          // Another loader finished between our lookup and our claim: use its result.
          inflight.remove(ref, mine);
          mine.result.complete(again);
          mine.loaderDone();
          continue;
        }
        Entry loaded;
        try {
          loaded = load(ref, loader);
        } catch (KeyholeException ex) {
          inflight.remove(ref, mine);
          mine.result.completeExceptionally(ex);
          mine.loaderDone();
          return stale(ref, e, ex, onStale);
        } catch (RuntimeException | Error ex) {
          inflight.remove(ref, mine);
          mine.result.completeExceptionally(ex);
          mine.loaderDone();
          throw ex;
        }
        inflight.remove(ref, mine);
        mine.result.complete(loaded);
        copy = tryCopy(loaded);
        if (mine.loaderDone() && !loaded.stored) {
          loaded.master.destroy();
        }
      } else {
        Entry loaded;
        try {
          loaded = running.result.join();
        } catch (CompletionException ce) {
          running.readerDone(); // nothing to wipe: the load failed
          if (ce.getCause() instanceof KeyholeException ex) {
            return stale(ref, entries.get(ref), ex, onStale);
          }
          throw ce;
        }
        copy = tryCopy(loaded);
        if (running.readerDone() && !loaded.stored) {
          loaded.master.destroy();
        }
      }
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
    // Stored only if it could ever be served again, fresh or stale.
    boolean store = now.isBefore(staleUntil);
    Entry entry = new Entry(fresh, freshUntil, staleUntil, store);
    Entry old = store ? entries.put(ref, entry) : entries.remove(ref);
    if (old != null && old != entry) {
      old.master.destroy();
    }
    if (store) {
      enforceBound();
    }
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

  /**
   * Stores an already-fetched secret (batch prefetch); the cache takes ownership. A secret that
   * could not be served again (see {@link #storesNothing()}) is wiped at once.
   */
  public void put(SecretRef ref, ResolvedSecret secret) {
    Instant now = clock.instant();
    Instant freshUntil = now.plus(settings.ttl());
    Instant staleUntil = freshUntil.plus(settings.maxStale());
    if (secret.expiresAt().isPresent()) {
      freshUntil = min(freshUntil, secret.expiresAt().get());
      staleUntil = min(staleUntil, secret.expiresAt().get());
    }
    if (!now.isBefore(staleUntil)) {
      secret.destroy();
      return;
    }
    Entry old = entries.put(ref, new Entry(secret, freshUntil, staleUntil, true));
    if (old != null) {
      old.master.destroy();
    }
    enforceBound();
  }

  /** A copy of the cached value of {@code ref}, fresh or stale, if there is one. */
  public Optional<ResolvedSecret> peek(SecretRef ref) {
    Entry e = entries.get(ref);
    return e == null ? Optional.empty() : tryCopy(e);
  }

  /** Whether these settings keep nothing between uses (zero TTL and zero stale window). */
  public boolean storesNothing() {
    return settings.ttl().isZero() && settings.maxStale().isZero();
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
