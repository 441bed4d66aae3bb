package dev.redispatterns.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReturnType;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.core.internal.StartPhase;
import dev.redispatterns.ratelimit.internal.RedisRateLimitOverrides;

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
public final class RedisRateLimiter implements RateLimiter, SmartLifecycle, AutoCloseable {

	/** Key area of the rate limiter. */
	public static final String AREA = "rl";

	private static final LuaScript INSPECT = LuaScript.load(RedisRateLimiter.class, "rate_limit_inspect.lua");

	private final RedisConnector connector;

	private volatile boolean running;

	private final ScriptExecutor executor;

	private final RedisKeys keys;

	private final Map<String, CompiledPolicy> policies = new ConcurrentHashMap<>();

	private final RateLimitOutage outage;

	private final @Nullable RedisRateLimitOverrides overrides;

	private final RateLimitDecider decider;

	private final PermitRefunds refunds;

	private final DueReservations reservations;

	/** Most keys remembered as refused per policy; 0: every decision goes to Redis. */
	private final int localRejectionKeys;

	private RedisRateLimiter(Builder builder) {
		this.localRejectionKeys = builder.localRejectionKeys;
		this.connector = builder.connector;
		this.executor = (builder.executor != null) ? builder.executor : new ScriptExecutor(builder.connector);
		this.keys = (builder.keys != null) ? builder.keys : new RedisKeys("rp");
		this.outage = new RateLimitOutage(builder.listener,
				new LocalFallbackLimiter(builder.fallbackInstances, builder.fallbackMaxKeys));
		this.refunds = new PermitRefunds(this.executor, this.connector.commandTimeout().toNanos(), this.policies::get);
		this.reservations = new DueReservations(this.refunds);
		builder.policies.forEach(this::register);
		if (builder.overridesRefresh != null) {
			this.overrides = new RedisRateLimitOverrides(this.connector, this.executor, this.keys, builder.signals,
					builder.overridesRefresh, builder.overridesMaxEntries, this::policy);
		}
		else {
			this.overrides = null;
		}
		this.decider = new RateLimitDecider(this.connector, this.executor, this.keys, builder.listener,
				builder.observations, this.outage, this.overrides);
	}

	/** Starts building a limiter on a connector; nothing else is required. */
	public static Builder builder(RedisConnector connector) {
		return new Builder(connector);
	}

	@Override
	public RateLimitPolicy register(RateLimitPolicy policy) {
		CompiledPolicy compiled = this.policies.computeIfAbsent(policy.name(),
				(name) -> new CompiledPolicy(policy, this.keys, this.localRejectionKeys));
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

	/**
	 * Reads the run-time overrides and starts following their changes (a subscription, a poll): when the
	 * context starts, not when the limiter is created. A limiter built by hand does this when its overrides
	 * are first read, at the latest on its first decision.
	 */
	@Override
	public void start() {
		this.running = true;
		if (this.overrides != null) {
			this.overrides.start();
		}
	}

	/** Nothing ends here: the overrides are followed until {@link #close()}. */
	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Just after the connection factory's phase: overrides apply before the web server takes traffic. */
	@Override
	public int getPhase() {
		return StartPhase.after(this.connector.connectionFactory());
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
		return this.outage.degradedTime();
	}

	/** Whether the last attempt to reach Redis failed. */
	public boolean isDegraded() {
		return this.outage.isDegraded();
	}

	/**
	 * Reads the state of one bucket without changing it (a script Redis runs as read-only): remaining
	 * permits, time to reset and the key's time to live, as a request of one permit would see them now
	 * (with the policy's own settings, or the override in force for the policy or the key).
	 * @throws IllegalArgumentException if no such policy exists
	 * @throws RedisUnavailableException if Redis cannot be reached
	 */
	public RateLimitState inspect(String policy, String key) {
		CompiledPolicy compiled = this.decider.effective(compiled(policy), null, key);
		RateLimitPolicy limits = compiled.policy;
		List<Object> reply = this.executor.call(INSPECT, ReturnType.MULTI, new byte[][] { compiled.key(key) },
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
		CompiledPolicy compiled = compiled(policy);
		if (compiled.rejections != null) {
			compiled.rejections.forget(key);
		}
		Long removed = this.connector.await(this.connector.commands().unlink(compiled.key(key)));
		return removed != null && removed > 0;
	}

	@Override
	public RateLimitDecision tryAcquire(String policy, String key, long permits) {
		return this.decider.decide(compiled(policy), null, key, permits, 0);
	}

	@Override
	public RateLimitDecision tryAcquire(RateLimitRequest request) {
		RateLimitDecision decision = this.decider.decide(compiled(request.policy()), request.tier(), request.key(),
				request.permits(), request.maxWait().toMillis());
		this.reservations.await(List.of(decision));
		return decision;
	}

	@Override
	public List<RateLimitDecision> tryAcquireAll(List<RateLimitRequest> requests) {
		if (requests.size() == 1) {
			return List.of(tryAcquire(requests.get(0)));
		}
		List<RateLimitDecision> decisions = new ArrayList<>(requests.size());
		for (RateLimitRequest request : requests) {
			RateLimitDecision decision = this.decider.decide(compiled(request.policy()), request.tier(), request.key(),
					request.permits(), request.maxWait().toMillis());
			decisions.add(decision);
			if (!decision.isAllowed()) {
				this.refunds.refundAll(decisions, decisions.size() - 1);
				return decisions;
			}
		}
		this.reservations.await(decisions);
		return decisions;
	}

	/**
	 * Takes the permits, or reserves them at the earliest time they fit within the request's
	 * {@code maxWait}, without waiting: an allowed decision's {@link RateLimitDecision#waitTime()} tells
	 * when they are due, for callers that schedule themselves. Give them back with {@link #refund} if the
	 * work is dropped.
	 */
	public RateLimitDecision reserve(RateLimitRequest request) {
		return this.decider.decide(compiled(request.policy()), request.tier(), request.key(), request.permits(),
				request.maxWait().toMillis());
	}

	@Override
	public CompletableFuture<RateLimitDecision> tryAcquireAsync(String policy, String key, long permits) {
		return decideAsync(policy, null, key, permits, 0);
	}

	@Override
	public CompletableFuture<RateLimitDecision> tryAcquireAsync(RateLimitRequest request) {
		CompletableFuture<RateLimitDecision> decided = decideAsync(request.policy(), request.tier(), request.key(),
				request.permits(), request.maxWait().toMillis());
		return this.reservations.due(decided.thenApply(List::of), (decisions) -> decisions.get(0));
	}

	private CompletableFuture<RateLimitDecision> decideAsync(String policy, @Nullable String tier, String key,
			long permits, long maxWaitMillis) {
		CompiledPolicy base;
		try {
			// permits first, as before: a call wrong in both ways gets the same error
			RateLimitDecider.checkPermits(permits);
			base = compiled(policy);
		}
		catch (IllegalArgumentException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return this.decider.decideAsync(base, tier, key, permits, maxWaitMillis);
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
							this.refunds.refundAllAsync(decisions, decisions.size() - 1);
						}
						return decisions;
					});
			});
		}
		return this.reservations.due(chain.thenApply(List::copyOf), (decisions) -> decisions);
	}

	@Override
	public void refund(RateLimitDecision decision) {
		this.refunds.refund(decision);
	}

	@Override
	public CompletableFuture<Void> refundAsync(RateLimitDecision decision) {
		return this.refunds.refundAsync(decision);
	}

	private CompiledPolicy compiled(String policy) {
		CompiledPolicy compiled = this.policies.get(policy);
		if (compiled == null) {
			throw new IllegalArgumentException("No rate-limit policy named '" + policy
					+ "'; define redis.patterns.rate-limit.policies." + policy + ".*");
		}
		return compiled;
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
