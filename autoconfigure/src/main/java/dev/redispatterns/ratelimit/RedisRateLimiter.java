package dev.redispatterns.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.ScriptOutputType;
import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.LuaScript;
import dev.redispatterns.core.PatternObservations;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisKeys;
import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.RedisSignals;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.core.ScriptExecutor;

/**
 * The Redis rate limiter: one {@code EVALSHA} per decision. Keys and script arguments are pre-encoded per
 * policy, so the hot path allocates little more than the key bytes and the reply.
 * <p>
 * Keys are {@code prefix:rl:policy:algorithm:key} (the key escaped as {@link RedisKeys} does); each
 * algorithm keeps its whole state in that one key, so every script touches exactly one cluster slot.
 * <p>
 * When Redis cannot be reached (connection down: fails fast; no answer: at most the command timeout) a
 * decision follows the policy: its local fallback limiter if enabled, otherwise fail-open or fail-closed.
 * <p>
 * Callers that may wait get their permits reserved by the same script at the earliest time they fit (GCRA
 * and the token bucket queue behind their state, the window algorithms count the permits in the window
 * they fall in), so waiting costs no extra round trip, is served in the order of arrival across
 * instances, and a caller whose permits do not fit within its wait is refused at once. Tiers and
 * {@link #overrides() overrides} only change the script's arguments.
 */
public final class RedisRateLimiter implements RateLimiter, AutoCloseable {

	/** Key area of the rate limiter. */
	public static final String AREA = "rl";

	private static final Log logger = LogFactory.getLog(RedisRateLimiter.class);

	private static final long HEALTHY = Long.MIN_VALUE;

	private static final RedisUnavailableException NOT_CONNECTED = new RedisUnavailableException(
			"Redis connection is down (reconnecting)");

	private static final LuaScript INSPECT = LuaScript.load(RedisRateLimiter.class, "rate_limit_inspect.lua");

	/** Most unknown tier names remembered for logging once each; tier names may come from request data. */
	private static final int LOGGED_TIERS = 1000;

	private final RedisConnector connector;

	private final ScriptExecutor executor;

	private final RedisKeys keys;

	private final RateLimitListener listener;

	private final LocalFallbackLimiter fallback;

	private final PatternObservations observations;

	private final long timeoutNanos;

	private final Map<String, Compiled> policies = new ConcurrentHashMap<>();

	private final AtomicLong degradedSince = new AtomicLong(HEALTHY);

	private final AtomicLong degradedNanos = new AtomicLong();

	private final Set<String> loggedTiers = ConcurrentHashMap.newKeySet();

	private final @Nullable RedisRateLimitOverrides overrides;

	/** Most keys remembered as refused per policy; 0: every decision goes to Redis. */
	private final int localRejectionKeys;

	private RedisRateLimiter(Builder builder) {
		this.localRejectionKeys = builder.localRejectionKeys;
		this.connector = builder.connector;
		this.executor = (builder.executor != null) ? builder.executor : new ScriptExecutor(builder.connector);
		this.keys = (builder.keys != null) ? builder.keys : new RedisKeys("rp");
		this.listener = builder.listener;
		this.fallback = new LocalFallbackLimiter(builder.fallbackInstances, builder.fallbackMaxKeys);
		this.observations = builder.observations;
		this.timeoutNanos = this.connector.commandTimeout().toNanos();
		builder.policies.forEach(this::register);
		if (builder.overridesRefresh != null) {
			this.overrides = new RedisRateLimitOverrides(this.connector, this.executor, this.keys, builder.signals,
					builder.overridesRefresh, builder.overridesMaxEntries, this::policy);
			this.overrides.start();
		}
		else {
			this.overrides = null;
		}
	}

	/** Starts building a limiter on a connector; nothing else is required. */
	public static Builder builder(RedisConnector connector) {
		return new Builder(connector);
	}

	@Override
	public RateLimitPolicy register(RateLimitPolicy policy) {
		Compiled compiled = this.policies.computeIfAbsent(policy.name(),
				(name) -> new Compiled(policy, this.keys, this.localRejectionKeys));
		RateLimitPolicy existing = compiled.policy;
		if (!existing.equals(policy)) {
			throw new IllegalStateException("Rate-limit policy '" + policy.name() + "' is already defined as " + existing
					+ "; cannot redefine it as " + policy);
		}
		return existing;
	}

	/**
	 * The run-time overrides of this limiter's policies, {@code null} when the builder did not ask for them.
	 */
	public @Nullable RedisRateLimitOverrides overrides() {
		return this.overrides;
	}

	/** Stops following override changes. */
	@Override
	public void close() {
		if (this.overrides != null) {
			this.overrides.close();
		}
	}

	@Override
	public RateLimitPolicy policy(String name) {
		return compiled(name).policy;
	}

	@Override
	public boolean hasPolicy(String name) {
		return this.policies.containsKey(name);
	}

	@Override
	public Collection<RateLimitPolicy> policies() {
		return this.policies.values().stream().map((compiled) -> compiled.policy).toList();
	}

	/**
	 * The Redis key of a bucket, as the engine builds it. Exposed so that tools can run the policy's
	 * script directly ({@link RateLimitAlgorithm#script()}, {@link RateLimitPolicy#scriptArguments(long)}).
	 */
	public byte[] redisKey(String policy, String key) {
		return compiled(policy).key(key);
	}

	/** Total time the limiter has spent unable to reach Redis, including an outage still going on. */
	public Duration degradedTime() {
		long since = this.degradedSince.get();
		long total = this.degradedNanos.get();
		if (since != HEALTHY) {
			total += Math.max(0, System.nanoTime() - since);
		}
		return Duration.ofNanos(total);
	}

	/** Whether the last attempt to reach Redis failed. */
	public boolean isDegraded() {
		return this.degradedSince.get() != HEALTHY;
	}

	/**
	 * Reads the state of one bucket without changing it (a script Redis runs as read-only): remaining
	 * permits, time to reset and the key's time to live, as a request of one permit would see them now
	 * (with the policy's own settings, or the override in force for the policy or the key).
	 * @throws IllegalArgumentException if no such policy exists
	 * @throws RedisUnavailableException if Redis cannot be reached
	 */
	public RateLimitState inspect(String policy, String key) {
		Compiled compiled = effective(compiled(policy), null, key);
		RateLimitPolicy limits = compiled.policy;
		List<Object> reply = this.executor.call(INSPECT, ScriptOutputType.MULTI, new byte[][] { compiled.key(key) },
				limits.algorithm().code().getBytes(StandardCharsets.US_ASCII), ScriptExecutor.arg(limits.limit()),
				ScriptExecutor.arg(limits.window().toMillis()),
				Double.toString(limits.refillRate()).getBytes(StandardCharsets.US_ASCII));
		boolean exists = ((Long) reply.get(0)) == 1L;
		long ttl = (Long) reply.get(3);
		return new RateLimitState(policy, key, exists, limits.limit(), (Long) reply.get(1),
				Duration.ofMillis(Math.max(0, (Long) reply.get(2))),
				exists ? Duration.ofMillis(Math.max(0, ttl)) : null);
	}

	/**
	 * Deletes one bucket, so its key has the full limit again: for support staff, never for the
	 * application's own flow (which would defeat the limit).
	 * @return whether the bucket had state
	 * @throws IllegalArgumentException if no such policy exists
	 * @throws RedisUnavailableException if Redis cannot be reached
	 */
	public boolean reset(String policy, String key) {
		Compiled compiled = compiled(policy);
		if (compiled.rejections != null) {
			compiled.rejections.forget(key);
		}
		Long removed = this.connector.await(this.connector.async().unlink(compiled.key(key)));
		return removed != null && removed > 0;
	}

	@Override
	public RateLimitDecision tryAcquire(String policy, String key, long permits) {
		return decide(compiled(policy), null, key, permits, 0);
	}

	@Override
	public RateLimitDecision tryAcquire(RateLimitRequest request) {
		RateLimitDecision decision = decide(compiled(request.policy()), request.tier(), request.key(),
				request.permits(), request.maxWait().toMillis());
		await(List.of(decision));
		return decision;
	}

	@Override
	public List<RateLimitDecision> tryAcquireAll(List<RateLimitRequest> requests) {
		if (requests.size() == 1) {
			return List.of(tryAcquire(requests.get(0)));
		}
		List<RateLimitDecision> decisions = new ArrayList<>(requests.size());
		for (RateLimitRequest request : requests) {
			RateLimitDecision decision = decide(compiled(request.policy()), request.tier(), request.key(),
					request.permits(), request.maxWait().toMillis());
			decisions.add(decision);
			if (!decision.isAllowed()) {
				refundAll(decisions, decisions.size() - 1);
				return decisions;
			}
		}
		await(decisions);
		return decisions;
	}

	/**
	 * Takes the permits, or reserves them at the earliest time they fit within the request's
	 * {@code maxWait}, without waiting: an allowed decision's {@link RateLimitDecision#waitTime()} tells
	 * when they are due, for callers that schedule themselves. Give them back with {@link #refund} if the
	 * work is dropped.
	 */
	public RateLimitDecision reserve(RateLimitRequest request) {
		return decide(compiled(request.policy()), request.tier(), request.key(), request.permits(),
				request.maxWait().toMillis());
	}

	/** One decision, reserving permits up to {@code maxWaitMillis} ahead; the caller does any waiting. */
	private RateLimitDecision decide(Compiled base, @Nullable String tier, String key, long permits,
			long maxWaitMillis) {
		checkPermits(permits);
		Compiled compiled = effective(base, tier, key);
		String policy = base.policy.name();
		Observation observation = this.observations.isActive()
				? this.observations.start(RedisPatternsObservation.RATE_LIMIT, policy, null, key) : null;
		long start = System.nanoTime();
		LocalRejections rejections = base.rejections;
		RateLimitDecision refused = (rejections != null)
				? rejections.find(compiled, compiled.policy, key, permits, maxWaitMillis, start) : null;
		RateLimitDecision decision;
		if (refused != null) {
			decision = refused;
		}
		else if (!this.connector.isConnected()) {
			decision = degraded(compiled, key, permits, NOT_CONNECTED);
		}
		else {
			byte[] redisKey = compiled.key(key);
			byte[][] arguments = compiled.arguments(permits, maxWaitMillis);
			try {
				List<Object> reply = this.executor.call(compiled.script, ScriptOutputType.MULTI, new byte[][] { redisKey },
						arguments);
				decision = compiled.decision(reply, permits, redisKey, arguments);
				recovered();
				if (rejections != null) {
					rejections.remember(compiled, key, decision, start);
				}
			}
			catch (RedisUnavailableException ex) {
				decision = degraded(compiled, key, permits, ex);
			}
			catch (RuntimeException ex) {
				if (observation != null) {
					PatternObservations.stop(observation, "failure", ex);
				}
				throw ex;
			}
		}
		this.listener.onDecision(decision, System.nanoTime() - start);
		if (observation != null) {
			PatternObservations.stop(observation, decision.outcome().tagValue(), null);
		}
		return decision;
	}

	/** Waits until the reserved permits of allowed decisions are due; on interrupt gives them back. */
	private void await(List<RateLimitDecision> decisions) {
		long wait = longestWait(decisions);
		if (wait <= 0) {
			return;
		}
		try {
			TimeUnit.MILLISECONDS.sleep(wait);
		}
		catch (InterruptedException ex) {
			// given back before the flag is restored: an interrupted thread cannot wait for Redis
			refundAll(decisions, decisions.size());
			Thread.currentThread().interrupt();
			throw new CancellationException("Interrupted while waiting " + wait + " ms for the permits of rate-limit policy '"
					+ decisions.get(0).policy().name() + "'; they were given back");
		}
	}

	private static long longestWait(List<RateLimitDecision> decisions) {
		long wait = 0;
		for (RateLimitDecision decision : decisions) {
			if (!decision.isAllowed()) {
				return 0;
			}
			wait = Math.max(wait, decision.waitMillis());
		}
		return wait;
	}

	@Override
	public CompletableFuture<RateLimitDecision> tryAcquireAsync(String policy, String key, long permits) {
		return decideAsync(policy, null, key, permits, 0);
	}

	@Override
	public CompletableFuture<RateLimitDecision> tryAcquireAsync(RateLimitRequest request) {
		CompletableFuture<RateLimitDecision> decided = decideAsync(request.policy(), request.tier(), request.key(),
				request.permits(), request.maxWait().toMillis());
		return due(decided.thenApply(List::of), (decisions) -> decisions.get(0));
	}

	private CompletableFuture<RateLimitDecision> decideAsync(String policy, @Nullable String tier, String key,
			long permits, long maxWaitMillis) {
		Compiled compiled;
		LocalRejections rejections;
		try {
			checkPermits(permits);
			Compiled base = compiled(policy);
			rejections = base.rejections;
			compiled = effective(base, tier, key);
		}
		catch (IllegalArgumentException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		Observation observation = this.observations.isActive()
				? this.observations.start(RedisPatternsObservation.RATE_LIMIT, policy, null, key) : null;
		long start = System.nanoTime();
		RateLimitDecision refused = (rejections != null)
				? rejections.find(compiled, compiled.policy, key, permits, maxWaitMillis, start) : null;
		if (refused != null || !this.connector.isConnected()) {
			RateLimitDecision decision = (refused != null) ? refused : degraded(compiled, key, permits, NOT_CONNECTED);
			this.listener.onDecision(decision, System.nanoTime() - start);
			if (observation != null) {
				PatternObservations.stop(observation, decision.outcome().tagValue(), null);
			}
			return CompletableFuture.completedFuture(decision);
		}
		byte[] redisKey = compiled.key(key);
		byte[][] arguments = compiled.arguments(permits, maxWaitMillis);
		CompletableFuture<List<Object>> reply;
		try {
			reply = this.executor.execute(compiled.script, ScriptOutputType.MULTI, new byte[][] { redisKey }, arguments);
		}
		catch (RuntimeException ex) {
			reply = CompletableFuture.failedFuture(ex);
		}
		return reply.orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS).handle((result, failure) -> {
			RateLimitDecision decision;
			if (failure == null) {
				decision = compiled.decision(result, permits, redisKey, arguments);
				recovered();
				if (rejections != null) {
					rejections.remember(compiled, key, decision, start);
				}
			}
			else {
				RuntimeException translated = translate(failure);
				if (!(translated instanceof RedisUnavailableException unavailable)) {
					if (observation != null) {
						PatternObservations.stop(observation, "failure", translated);
					}
					throw new CompletionException(translated);
				}
				decision = degraded(compiled, key, permits, unavailable);
			}
			this.listener.onDecision(decision, System.nanoTime() - start);
			if (observation != null) {
				PatternObservations.stop(observation, decision.outcome().tagValue(), null);
			}
			return decision;
		});
	}

	@Override
	public CompletableFuture<List<RateLimitDecision>> tryAcquireAllAsync(List<RateLimitRequest> requests) {
		CompletableFuture<List<RateLimitDecision>> chain = CompletableFuture.completedFuture(new ArrayList<>());
		for (RateLimitRequest request : requests) {
			chain = chain.thenCompose((decisions) -> {
				if (!decisions.isEmpty() && !decisions.get(decisions.size() - 1).isAllowed()) {
					return CompletableFuture.completedFuture(decisions);
				}
				return decideAsync(request.policy(), request.tier(), request.key(), request.permits(),
						request.maxWait().toMillis())
					.thenApply((decision) -> {
						decisions.add(decision);
						if (!decision.isAllowed()) {
							refundAllAsync(decisions, decisions.size() - 1);
						}
						return decisions;
					});
			});
		}
		return due(chain.thenApply(List::copyOf), (decisions) -> decisions);
	}

	/**
	 * A future completing when the reserved permits of the decisions are due, without holding a thread
	 * meanwhile. Cancelling it, whether before or after Redis decided, gives the permits back.
	 */
	private <T> CompletableFuture<T> due(CompletableFuture<List<RateLimitDecision>> decided,
			java.util.function.Function<List<RateLimitDecision>, T> result) {
		CompletableFuture<T> due = new CompletableFuture<>();
		decided.whenComplete((decisions, failure) -> {
			if (failure != null) {
				due.completeExceptionally(failure);
				return;
			}
			RateLimitDecision last = decisions.get(decisions.size() - 1);
			if (last.isAllowed()) {
				due.whenComplete((value, cancelled) -> {
					if (due.isCancelled()) {
						refundAllAsync(decisions, decisions.size());
					}
				});
			}
			long wait = longestWait(decisions);
			if (wait <= 0) {
				due.complete(result.apply(decisions));
			}
			else {
				CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS)
					.execute(() -> due.complete(result.apply(decisions)));
			}
		});
		return due;
	}

	@Override
	public void refund(RateLimitDecision decision) {
		byte[][] arguments = refundArguments(decision);
		if (arguments == null) {
			return;
		}
		forgetRejections(decision);
		try {
			this.executor.call(decision.policy().algorithm().script(), ScriptOutputType.MULTI,
					new byte[][] { decision.key() }, arguments);
		}
		catch (RedisPatternsException ex) {
			logger.debug("Could not refund " + decision, ex);
		}
	}

	@Override
	public CompletableFuture<Void> refundAsync(RateLimitDecision decision) {
		byte[][] arguments = refundArguments(decision);
		if (arguments == null) {
			return CompletableFuture.completedFuture(null);
		}
		forgetRejections(decision);
		CompletableFuture<Object> refunded;
		try {
			refunded = this.executor.execute(decision.policy().algorithm().script(), ScriptOutputType.MULTI,
					new byte[][] { decision.key() }, arguments);
		}
		catch (RuntimeException ex) {
			refunded = CompletableFuture.failedFuture(ex);
		}
		return refunded.orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS).handle((result, failure) -> {
			if (failure != null) {
				logger.debug("Could not refund " + decision, failure);
			}
			return null;
		});
	}

	/** A permit given back may let a refused key in before its deadline: its policy's refusals are forgotten. */
	private void forgetRejections(RateLimitDecision decision) {
		Compiled base = this.policies.get(decision.policy().name());
		if (base != null && base.rejections != null) {
			base.rejections.clear();
		}
	}

	/** Gives back the first {@code count} decisions, newest first. */
	private void refundAll(List<RateLimitDecision> decisions, int count) {
		for (int i = count - 1; i >= 0; i--) {
			refund(decisions.get(i));
		}
	}

	private void refundAllAsync(List<RateLimitDecision> decisions, int count) {
		for (int i = count - 1; i >= 0; i--) {
			refundAsync(decisions.get(i));
		}
	}

	private static byte @Nullable [][] refundArguments(RateLimitDecision decision) {
		if (decision.outcome() != RateLimitOutcome.ALLOWED || decision.key() == null) {
			return null;
		}
		byte[][] arguments = decision.policy().argumentsForOne().clone();
		arguments[0] = ScriptExecutor.arg(-decision.permits());
		Object token = decision.refundToken();
		if (token instanceof byte[] nonce) {
			arguments[3] = nonce;
		}
		else if (token instanceof Long index) {
			arguments[3] = ScriptExecutor.arg(index.longValue());
		}
		return arguments;
	}

	/** The compiled policy a call uses: its tier's settings, then any override of the policy or the key. */
	private Compiled effective(Compiled base, @Nullable String tier, String key) {
		Compiled variant = base;
		if (tier != null) {
			Compiled tiered = base.tiers.get(tier);
			if (tiered != null) {
				variant = tiered;
			}
			else if (this.loggedTiers.size() < LOGGED_TIERS && this.loggedTiers.add(base.policy.name() + '\u0000' + tier)) {
				logger.info("Rate-limit policy '" + base.policy.name() + "' has no tier '" + tier
						+ "'; such calls use the policy's own settings (logged once per tier name)");
			}
		}
		RedisRateLimitOverrides overrides = this.overrides;
		if (overrides == null) {
			return variant;
		}
		OverrideSnapshot snapshot = overrides.snapshot();
		if (snapshot.isEmpty()) {
			return variant;
		}
		OverrideSnapshot.Entry entry = snapshot.find(base.policy.name(), key);
		if (entry == null) {
			return variant;
		}
		Compiled from = variant;
		return entry.derive(from, (ignored) -> new Compiled(from.policy.withOverride(entry.override), this.keys));
	}

	private RateLimitDecision degraded(Compiled compiled, String key, long permits, RedisUnavailableException cause) {
		long now = System.nanoTime();
		if (this.degradedSince.compareAndSet(HEALTHY, now)) {
			logger.warn("Redis is unreachable for rate limiting; decisions follow fail-open or the local fallback: "
					+ cause.getMessage());
			this.listener.onDegraded(cause);
		}
		RateLimitPolicy policy = compiled.policy;
		if (policy.localFallback()) {
			return this.fallback.decide(policy, key, permits, cause);
		}
		boolean open = policy.failOpen();
		return new RateLimitDecision(policy, open ? RateLimitOutcome.ERROR_OPEN : RateLimitOutcome.ERROR_CLOSED, permits,
				RateLimitDecision.UNKNOWN, 0, open ? 0 : -1, null, null, cause);
	}

	private void recovered() {
		long since = this.degradedSince.get();
		if (since != HEALTHY && this.degradedSince.compareAndSet(since, HEALTHY)) {
			long duration = Math.max(0, System.nanoTime() - since);
			this.degradedNanos.addAndGet(duration);
			this.fallback.clear();
			logger.info("Redis answers rate-limit decisions again after " + Duration.ofNanos(duration).toMillis() + " ms");
			this.listener.onRecovered(Duration.ofNanos(duration));
		}
	}

	private Compiled compiled(String policy) {
		Compiled compiled = this.policies.get(policy);
		if (compiled == null) {
			throw new IllegalArgumentException("No rate-limit policy named '" + policy
					+ "'; define redis.patterns.rate-limit.policies." + policy + ".*");
		}
		return compiled;
	}

	private static void checkPermits(long permits) {
		if (permits < 1) {
			throw new IllegalArgumentException("permits must be at least 1, was " + permits);
		}
	}

	private static RuntimeException translate(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof TimeoutException) {
			return new RedisUnavailableException("Redis did not answer the rate-limit decision in time", cause);
		}
		return RedisConnector.translate(cause);
	}

	/** A policy with everything a decision needs, encoded once. */
	private static final class Compiled {

		final RateLimitPolicy policy;

		final LuaScript script;

		final byte[] keyPrefix;

		final byte[][] argumentsForOne;

		final boolean slidingLog;

		final boolean windowed;

		final Map<String, Compiled> tiers;

		/** Refusals remembered for the policy and all its variants (tiers, overrides); on the base policy only. */
		final @Nullable LocalRejections rejections;

		Compiled(RateLimitPolicy policy, RedisKeys keys) {
			this(policy, keys, 0);
		}

		Compiled(RateLimitPolicy policy, RedisKeys keys, int localRejectionKeys) {
			this.rejections = (localRejectionKeys > 0) ? new LocalRejections(localRejectionKeys) : null;
			this.policy = policy;
			this.script = policy.algorithm().script();
			this.keyPrefix = (keys.key(AREA, policy.name(), policy.algorithm().code()) + ':')
				.getBytes(StandardCharsets.UTF_8);
			this.argumentsForOne = policy.argumentsForOne();
			this.slidingLog = policy.algorithm() == RateLimitAlgorithm.SLIDING_LOG;
			this.windowed = policy.algorithm() == RateLimitAlgorithm.FIXED_WINDOW
					|| policy.algorithm() == RateLimitAlgorithm.SLIDING_WINDOW;
			Map<String, Compiled> tiers = new java.util.HashMap<>();
			policy.tiers().forEach((name, tier) -> tiers.put(name, new Compiled(tier, keys)));
			this.tiers = Map.copyOf(tiers);
		}

		byte[][] arguments(long permits, long maxWaitMillis) {
			if (permits == 1 && maxWaitMillis <= 0 && !this.slidingLog) {
				return this.argumentsForOne;
			}
			return this.policy.scriptArguments(permits, maxWaitMillis);
		}

		/** The key bytes; plain ASCII keys are copied without building intermediate strings. */
		byte[] key(String key) {
			int length = key.length();
			int prefix = this.keyPrefix.length;
			if (length <= RedisKeys.MAX_PART_LENGTH) {
				byte[] out = Arrays.copyOf(this.keyPrefix, prefix + length);
				for (int i = 0; i < length; i++) {
					char c = key.charAt(i);
					if (c < 0x20 || c >= 0x7F || c == '{' || c == '}' || c == '%') {
						return escaped(key);
					}
					out[prefix + i] = (byte) c;
				}
				return out;
			}
			return escaped(key);
		}

		private byte[] escaped(String key) {
			byte[] part = RedisKeys.escape(key).getBytes(StandardCharsets.UTF_8);
			byte[] out = Arrays.copyOf(this.keyPrefix, this.keyPrefix.length + part.length);
			System.arraycopy(part, 0, out, this.keyPrefix.length, part.length);
			return out;
		}

		RateLimitDecision decision(List<Object> reply, long permits, byte[] redisKey, byte[][] arguments) {
			boolean allowed = ((Long) reply.get(0)) == 1L;
			Object token = null;
			if (allowed) {
				token = this.slidingLog ? arguments[3] : this.windowed ? reply.get(4) : Boolean.TRUE;
			}
			long wait = (allowed && reply.size() > 5) ? (Long) reply.get(5) : 0;
			return new RateLimitDecision(this.policy, allowed ? RateLimitOutcome.ALLOWED : RateLimitOutcome.REJECTED,
					permits, (Long) reply.get(1), (Long) reply.get(2), (Long) reply.get(3), redisKey, token, null, wait);
		}

	}

	/** Configures a {@link RedisRateLimiter}. */
	public static final class Builder {

		private final RedisConnector connector;

		private @Nullable ScriptExecutor executor;

		private @Nullable RedisKeys keys;

		private RateLimitListener listener = RateLimitListener.NONE;

		private final List<RateLimitPolicy> policies = new ArrayList<>();

		private int fallbackInstances = 1;

		private int fallbackMaxKeys = 10_000;

		private PatternObservations observations = PatternObservations.NONE;

		private @Nullable Duration overridesRefresh;

		private int overridesMaxEntries = 1000;

		private @Nullable RedisSignals signals;

		private int localRejectionKeys;

		private Builder(RedisConnector connector) {
			this.connector = connector;
		}

		/** Script executor to use; by default one on the connector. */
		public Builder executor(ScriptExecutor executor) {
			this.executor = executor;
			return this;
		}

		/** Key naming; by default prefix {@code rp}. */
		public Builder keys(RedisKeys keys) {
			this.keys = keys;
			return this;
		}

		public Builder policy(RateLimitPolicy policy) {
			this.policies.add(policy);
			return this;
		}

		public Builder policies(Collection<RateLimitPolicy> policies) {
			this.policies.addAll(policies);
			return this;
		}

		public Builder listener(RateLimitListener listener) {
			this.listener = listener;
			return this;
		}

		/**
		 * Settings of the local fallback limiter: how many instances share each limit (each grants
		 * {@code limit / instances}) and how many buckets it keeps at most.
		 */
		public Builder localFallback(int instances, int maxKeys) {
			this.fallbackInstances = instances;
			this.fallbackMaxKeys = maxKeys;
			return this;
		}

		/** Where decisions are observed (for traces); by default nowhere, at no cost. */
		public Builder observations(PatternObservations observations) {
			this.observations = observations;
			return this;
		}

		/**
		 * Switches on run-time {@link RedisRateLimiter#overrides() overrides}: read at start, refreshed when
		 * {@code signals} announce a change and every {@code refreshInterval} in any case, at most
		 * {@code maxEntries} at a time. Close the limiter to stop following them.
		 * @param signals pub/sub for immediate refreshes; {@code null}: the poll alone
		 */
		public Builder overrides(Duration refreshInterval, int maxEntries, @Nullable RedisSignals signals) {
			this.overridesRefresh = refreshInterval;
			this.overridesMaxEntries = maxEntries;
			this.signals = signals;
			return this;
		}

		/**
		 * Refuse a key locally, without a round trip, until the time Redis said it would take it again, for
		 * at most {@code maxKeys} keys per policy; 0 switches this off. A permit given back or a bucket reset
		 * on another instance (or in Redis) is seen here at that time at the latest. Off by default.
		 */
		public Builder localRejections(int maxKeys) {
			if (maxKeys < 0) {
				throw new IllegalArgumentException("maxKeys must not be negative, was " + maxKeys);
			}
			this.localRejectionKeys = maxKeys;
			return this;
		}

		public RedisRateLimiter build() {
			return new RedisRateLimiter(this);
		}

	}

}
