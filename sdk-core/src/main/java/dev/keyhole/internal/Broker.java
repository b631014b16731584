package dev.keyhole.internal;

import dev.keyhole.ApprovalHandler;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Grant;
import dev.keyhole.KeyholeException;
import dev.keyhole.Policy;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.Redactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.internal.redact.DefaultRedactionEngines;
import dev.keyhole.spi.CredentialIssuer;
import dev.keyhole.spi.IssueRequest;
import dev.keyhole.spi.RedactionEngine;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** The implementation behind {@link dev.keyhole.Keyhole}. */
public final class Broker {
  private final Map<String, SecretProvider> providersByScheme = new LinkedHashMap<>();
  private final Map<String, CredentialIssuer> issuers = new LinkedHashMap<>();
  private final Map<String, ProviderCaller> callers = new HashMap<>();
  private final Policy policy;
  private final Audit audit;
  private final ApprovalHandler approvalHandler;
  private final Clock clock;
  private final ResolutionCache cache;
  private final Fingerprinter fingerprinter;
  private final RedactionEngine redaction;
  /** What every output path uses: the engine, or the engine with detectors (Keyhole.Builder). */
  private final Redactor outputRedactor;
  private final java.nio.file.@Nullable Path workspace;
  private final Map<String, List<RedactionEngine.Registration>> protectedValues =
      new ConcurrentHashMap<>();
  private final RedactionEngine registering;
  private final Map<String, DefaultTaskScope> open = new ConcurrentHashMap<>();
  private final ExecutorService providerExecutor;
  private final @Nullable ScheduledExecutorService sweeper;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Every thread Keyhole started, so close() can wait until each has really ended. */
  private final java.util.Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final List<SecretProvider> providerList;
  private final List<CredentialIssuer> issuerList;

  public Broker(BrokerSettings settings) {
    this.policy = settings.policy();
    this.clock = settings.clock();
    this.audit = new Audit(settings.auditSink(), clock);
    this.approvalHandler = settings.approvalHandler();
    this.cache = new ResolutionCache(settings.cache(), clock);
    this.fingerprinter = new Fingerprinter(settings.fingerprintKey());
    RedactionEngine engine = settings.redactionEngine();
    this.redaction = engine != null ? engine : DefaultRedactionEngines.create(clock);
    this.outputRedactor = settings.detectorMode() == dev.keyhole.redact.DetectorMode.OFF
        ? redaction
        : dev.keyhole.redact.DetectingRedactor.builder(redaction).mode(settings.detectorMode())
            .detectors(settings.detectors()).listener(this::detected).build();
    this.workspace = settings.workspace();
    this.registering = new RegisteringEngine(redaction);
    this.providerList = settings.providers();
    this.issuerList = settings.issuers();

    Map<String, Object> ids = new HashMap<>();
    for (SecretProvider p : providerList) {
      if (ids.put(p.id(), p) != null) {
        throw new ConfigurationException("Two providers or issuers have the id '" + p.id() + "'");
      }
      if (p.schemes().isEmpty()) {
        throw new ConfigurationException("Provider '" + p.id() + "' serves no scheme");
      }
      for (String scheme : p.schemes()) {
        SecretProvider prev = providersByScheme.put(scheme, p);
        if (prev != null) {
          throw new ConfigurationException("Scheme '" + scheme + "' is served by both provider '"
              + prev.id() + "' and provider '" + p.id() + "'; register only one of them");
        }
      }
    }
    for (CredentialIssuer i : issuerList) {
      if (ids.put(i.id(), i) != null) {
        throw new ConfigurationException("Two providers or issuers have the id '" + i.id() + "'");
      }
      issuers.put(i.id(), i);
    }
    this.providerExecutor = Executors.newCachedThreadPool(daemon("keyhole-provider-"));
    for (String id : ids.keySet()) {
      callers.put(id, new ProviderCaller(id, settings.resilience(id), clock,
          providerExecutor, redaction, settings.sleeper()));
    }
    for (String id : settings.resilienceIds()) {
      if (!ids.containsKey(id)) {
        throw new ConfigurationException("Resilience settings name '" + id + "', but no provider"
            + " or issuer has that id; registered: " + ids.keySet());
      }
    }
    for (Grant g : policy.grants()) {
      validateGrant(g, "policy grant");
    }
    if (settings.expirySweep()) {
      sweeper = Executors.newSingleThreadScheduledExecutor(daemon("keyhole-expiry-"));
      var unused = sweeper.scheduleWithFixedDelay(this::sweepQuietly, 1, 1, TimeUnit.SECONDS);
    } else {
      sweeper = null;
    }
  }

  private ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      threads.removeIf(old -> !old.isAlive());
      threads.add(t);
      return t;
    };
  }

  void validateGrant(Grant g, String what) {
    if (g.ref().isPresent()) {
      SecretRef ref = g.ref().get();
      SecretProvider p = providersByScheme.get(ref.scheme());
      if (p == null) {
        throw new ConfigurationException(what + " '" + g.name() + "' uses reference scheme '"
            + ref.scheme() + "', but no registered provider serves it; registered schemes: "
            + providersByScheme.keySet() + ". Register one with Keyhole.builder().provider(...)");
      }
      p.validate(ref);
    } else {
      String id = g.issuer().orElseThrow();
      CredentialIssuer i = issuers.get(id);
      if (i == null) {
        throw new ConfigurationException(what + " '" + g.name() + "' uses credential issuer '" + id
            + "', but none is registered with that id; registered issuers: " + issuers.keySet());
      }
      i.validate(new IssueRequest("validation", null, g.name(), policy.taskTtl(),
          g.issuerParameters()));
    }
  }

  public TaskScope openTask(TaskOptions options) {
    if (closed.get()) {
      throw new KeyholeException("This Keyhole instance is closed; build a new one");
    }
    Map<String, Grant> grants = new LinkedHashMap<>();
    if (options.allPolicyGrants()) {
      policy.grants().forEach(g -> grants.put(g.name(), g));
    }
    for (String name : options.grantNames()) {
      Grant g = policy.grant(name).orElseThrow(() -> new PolicyViolationException(
          PolicyViolationException.Reason.UNKNOWN_HANDLE,
          "Task '" + options.taskId() + "' asks for grant '" + name + "', which the policy does"
              + " not define; policy grants: " + policy.grants().stream().map(Grant::name).toList()));
      grants.put(name, g);
    }
    for (Grant g : options.extraGrants()) {
      validateGrant(g, "task grant");
      if (grants.put(g.name(), g) != null) {
        throw new ConfigurationException("Task '" + options.taskId() + "' defines grant '"
            + g.name() + "' twice (in the policy and in code); rename one");
      }
    }
    if (open.containsKey(options.taskId())) {
      throw new ConfigurationException("A task with id '" + options.taskId() + "' is already open");
    }
    Duration ttl = options.ttl().orElse(policy.taskTtl());
    java.util.Set<String> protect = protectedValues(options);
    DefaultTaskScope scope = new DefaultTaskScope(this, options, grants, clock.instant(), ttl);
    if (open.putIfAbsent(options.taskId(), scope) != null) {
      throw new ConfigurationException("A task with id '" + options.taskId() + "' is already open");
    }
    registerProtected(options.taskId(), protect);
    scope.announce();
    return scope;
  }

  /** The values of the policy's protected files under the task's tool root (fails closed). */
  private java.util.Set<String> protectedValues(TaskOptions options) {
    if (policy.protectedFiles().isEmpty()) {
      return java.util.Set.of();
    }
    java.nio.file.Path root = options.root().orElse(workspace);
    if (root == null) {
      throw new ConfigurationException("The policy protects files (protect: "
          + policy.protectedFiles().stream().map(dev.keyhole.ProtectedFile::path).toList()
          + "), but task '" + options.taskId() + "' has no tool root to read them from; give one"
          + " with Keyhole.builder().workspace(path) or TaskOptions.builder().root(path)");
    }
    return ProtectedFiles.values(root, policy.protectedFiles());
  }

  /**
   * Registers protected values with the redactor for the life of the task, under {@code
   * secret://protected}; they are granted to no one.
   */
  private void registerProtected(String taskId, java.util.Set<String> values) {
    if (values.isEmpty()) {
      return;
    }
    List<RedactionEngine.Registration> regs = new ArrayList<>();
    dev.keyhole.SecretHandle handle = dev.keyhole.SecretHandle.of("protected");
    for (String v : values) {
      SecretValue value = SecretValue.ofString(v);
      try {
        regs.add(registering.register(value, handle));
      } catch (KeyholeException e) {
        // a value the engine refuses (too weak to match safely) is left out, as for any value
      } finally {
        value.destroy();
      }
    }
    protectedValues.put(taskId, regs);
  }

  /** A detector hit in an output path: audited without the text (FLAG and REDACT modes). */
  private void detected(dev.keyhole.redact.Detection d) {
    audit.record(audit.event(AuditEventType.DETECTION).outcome(
        outputRedactor instanceof dev.keyhole.redact.DetectingRedactor r
            && r.mode() == dev.keyhole.redact.DetectorMode.REDACT ? "redacted" : "flagged")
        .attribute("detector", d.detectorId()).attribute("kind", d.kind()));
  }

  // ---- used by DefaultTaskScope ----

  Audit audit() {
    return audit;
  }

  ApprovalHandler approvalHandler() {
    return approvalHandler;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * The engine that task scopes register values with. Its {@code register} redacts a failure
   * against the value being registered (a third-party engine may quote it), and turns a failure
   * that is not a {@link KeyholeException} into one that names only its type.
   */
  public RedactionEngine redactionEngine() {
    return registering;
  }

  List<String> issuerParts(String issuerId) {
    CredentialIssuer i = issuers.get(issuerId);
    return i == null ? List.of() : i.parts();
  }

  CredentialIssuer issuer(String id) {
    return issuers.get(id);
  }

  ProviderCaller caller(String id) {
    return callers.get(id);
  }

  void forget(DefaultTaskScope scope) {
    if (open.remove(scope.taskId(), scope)) {
      List<RedactionEngine.Registration> regs = protectedValues.remove(scope.taskId());
      if (regs != null) {
        regs.forEach(RedactionEngine.Registration::unregister);
      }
    }
  }

  /** Resolves a reference through the cache and the provider's resilience wrapper. */
  ResolvedSecret fetch(SecretRef ref, @Nullable DefaultTaskScope task, String handleName) {
    SecretProvider p = providersByScheme.get(ref.scheme());
    if (p == null) {
      throw new ConfigurationException("No provider serves scheme '" + ref.scheme() + "'");
    }
    ResolutionCache.Lookup lookup = cache.get(ref, () -> callProvider(p, ref, task, handleName),
        ex -> audit.record(audit.event(AuditEventType.STALE_SERVED)
            .taskId(task == null ? null : task.taskId()).handle(handleName).provider(p.id())
            .reference(ref.toString()).reason(ex.getClass().getSimpleName())));
    return lookup.secret();
  }

  private ResolvedSecret callProvider(SecretProvider p, SecretRef ref, @Nullable DefaultTaskScope task,
      String handleName) {
    long t0 = System.nanoTime();
    try {
      ResolvedSecret r = callers.get(p.id()).call(ref.toString(), () -> p.resolve(ref));
      audit.record(audit.event(AuditEventType.PROVIDER_CALL)
          .taskId(task == null ? null : task.taskId()).handle(handleName).provider(p.id())
          .reference(ref.toString()).outcome("ok").latency(Duration.ofNanos(System.nanoTime() - t0))
          .attribute("version", r.version().orElse("")));
      return r;
    } catch (KeyholeException failure) {
      KeyholeException e = redactAgainstCached(failure, ref, handleName);
      audit.record(audit.event(AuditEventType.PROVIDER_CALL)
          .taskId(task == null ? null : task.taskId()).handle(handleName).provider(p.id())
          .reference(ref.toString()).outcome(outcomeOf(e)).reason(e.getClass().getSimpleName())
          .latency(Duration.ofNanos(System.nanoTime() - t0)));
      throw e;
    }
  }

  /**
   * The value being fetched may be known from an earlier fetch that is still cached (fresh or
   * stale) although no open task has it registered any more: a failure quoting it is redacted too.
   */
  private KeyholeException redactAgainstCached(KeyholeException e, SecretRef ref,
      String handleName) {
    Optional<ResolvedSecret> known = cache.peek(ref);
    if (known.isEmpty()) {
      return e;
    }
    try {
      return ErrorRedaction.redact(e, ErrorRedaction.withValue(redaction, known.get().value(),
          SecretHandle.of(handleName).token()));
    } finally {
      known.get().destroy();
    }
  }

  /** Delegates to the engine; see {@link #redactionEngine()}. */
  private static final class RegisteringEngine implements RedactionEngine {
    private final RedactionEngine engine;

    RegisteringEngine(RedactionEngine engine) {
      this.engine = engine;
    }

    @Override
    public Registration register(SecretValue value, SecretHandle handle) {
      try {
        return engine.register(value, handle);
      } catch (KeyholeException e) {
        throw ErrorRedaction.redact(e, ErrorRedaction.withValue(engine, value, handle.token()));
      } catch (RuntimeException e) {
        // Its message may hold anything, so it is not copied; only the type is named.
        throw new KeyholeException("The redaction engine failed to register the value of " + handle
            + " (" + e.getClass().getName() + "); redaction engines must throw KeyholeException"
            + " subtypes whose messages never contain a value", null, false);
      }
    }

    @Override
    public String redact(String text) {
      return engine.redact(text);
    }

    @Override
    public boolean containsSecret(CharSequence text) {
      return engine.containsSecret(text);
    }

    @Override
    public StreamingRedactor streaming() {
      return engine.streaming();
    }

    @Override
    public String toString() {
      return engine.toString();
    }
  }

  static String outcomeOf(KeyholeException e) {
    if (e instanceof dev.keyhole.SecretNotFoundException) {
      return "not_found";
    }
    if (e instanceof dev.keyhole.SecretAccessDeniedException) {
      return "denied";
    }
    return e.retryable() ? "unavailable" : "error";
  }

  /** Fetches the not-yet-cached references of one provider in a single batch call. */
  void prefetch(Collection<SecretRef> refs, @Nullable DefaultTaskScope task) {
    if (cache.storesNothing()) {
      return; // a batch result could not be kept for the per-reference lookups that follow
    }
    Map<SecretProvider, List<SecretRef>> byProvider = new LinkedHashMap<>();
    for (SecretRef ref : refs) {
      SecretProvider p = providersByScheme.get(ref.scheme());
      if (p != null && !cache.isFresh(ref)) {
        byProvider.computeIfAbsent(p, k -> new ArrayList<>()).add(ref);
      }
    }
    for (Map.Entry<SecretProvider, List<SecretRef>> e : byProvider.entrySet()) {
      if (e.getValue().size() < 2) {
        continue;
      }
      SecretProvider p = e.getKey();
      long t0 = System.nanoTime();
      try {
        Map<SecretRef, SecretProvider.Result> results =
            callers.get(p.id()).call(e.getValue().size() + " references", () -> p.resolveAll(e.getValue()));
        results.forEach((ref, result) -> {
          if (result.isSuccess()) {
            cache.put(ref, result.getOrThrow());
          }
        });
        audit.record(audit.event(AuditEventType.PROVIDER_CALL)
            .taskId(task == null ? null : task.taskId()).provider(p.id()).outcome("ok")
            .latency(Duration.ofNanos(System.nanoTime() - t0))
            .attribute("batch", Integer.toString(e.getValue().size())));
      } catch (KeyholeException ex) {
        // The per-reference path below reports the failure with the right handle names.
      }
    }
  }

  public String fingerprint(SecretValue value) {
    return fingerprinter.fingerprint(value);
  }

  public Policy policy() {
    return policy;
  }

  public Redactor redactor() {
    return outputRedactor;
  }

  public List<TaskScope> openTasks() {
    return List.copyOf(open.values());
  }

  private void sweepQuietly() {
    try {
      sweepExpired();
    } catch (RuntimeException e) {
      // keep the sweeper alive; a failing sink or issuer is reported elsewhere
    }
  }

  public void sweepExpired() {
    Instant now = clock.instant();
    for (DefaultTaskScope s : open.values()) {
      if (!now.isBefore(s.expiresAt())) {
        s.expire();
      }
    }
    cache.sweep();
  }

  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (DefaultTaskScope s : open.values()) {
      s.close();
    }
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    cache.clear();
    providerExecutor.shutdownNow();
    awaitQuietly(providerExecutor);
    if (sweeper != null) {
      awaitQuietly(sweeper);
    }
    joinThreads();
    for (SecretProvider p : providerList) {
      try {
        p.close();
      } catch (RuntimeException e) {
        // closing is best effort
      }
    }
    for (CredentialIssuer i : issuerList) {
      try {
        i.close();
      } catch (RuntimeException e) {
        // closing is best effort
      }
    }
  }

  /**
   * An executor reports termination as its last worker leaves its loop, a moment before that
   * thread has ended: join them, so that no Keyhole thread is alive once close() returns.
   */
  private void joinThreads() {
    for (Thread t : threads) {
      if (t == Thread.currentThread()) {
        continue;
      }
      try {
        t.join(TimeUnit.SECONDS.toMillis(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    threads.clear();
  }

  /** Waits briefly for interrupted Keyhole threads to end, so that none outlives close(). */
  private static void awaitQuietly(ExecutorService executor) {
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        // A provider ignoring interruption keeps its (daemon) thread; nothing more we can do.
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "providers=" + providersByScheme.keySet() + ", issuers=" + issuers.keySet()
        + ", openTasks=" + open.size();
  }
}
