package dev.redispatterns.ratelimit;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.data.redis.connection.ReturnType;
import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.ratelimit.internal.OverrideSnapshot;
import dev.redispatterns.ratelimit.internal.RedisRateLimitOverrides;

/**
 * One decision, sync or async: the policy variant in force (tier, override), a remembered refusal, else
 * one script call, else the outage's answer; reported to the listener and observed.
 */
final class RateLimitDecider {

	/** Logged under the limiter's name, which applications configure. */
	private static final Log logger = LogFactory.getLog(RedisRateLimiter.class);

	private static final RedisUnavailableException NOT_CONNECTED = new RedisUnavailableException(
			"Redis connection is down (reconnecting)");

	/** Most unknown tier names remembered for logging once each; tier names may come from request data. */
	private static final int LOGGED_TIERS = 1000;

	private final RedisConnector connector;

	private final ScriptExecutor executor;

	private final RedisKeys keys;

	private final RateLimitListener listener;

	private final PatternObservations observations;

	private final RateLimitOutage outage;

	private final @Nullable RedisRateLimitOverrides overrides;

	private final long timeoutNanos;

	private final Set<String> loggedTiers = ConcurrentHashMap.newKeySet();

	RateLimitDecider(RedisConnector connector, ScriptExecutor executor, RedisKeys keys, RateLimitListener listener,
			PatternObservations observations, RateLimitOutage outage, @Nullable RedisRateLimitOverrides overrides) {
		this.connector = connector;
		this.executor = executor;
		this.keys = keys;
		this.listener = listener;
		this.observations = observations;
		this.outage = outage;
		this.overrides = overrides;
		this.timeoutNanos = connector.commandTimeout().toNanos();
	}

	/** One decision, reserving permits up to {@code maxWaitMillis} ahead; the caller does any waiting. */
	RateLimitDecision decide(CompiledPolicy base, @Nullable String tier, String key, long permits, long maxWaitMillis) {
		checkPermits(permits);
		CompiledPolicy compiled = effective(base, tier, key);
		String policy = base.policy.name();
		Observation observation = observe(policy, key);
		long start = System.nanoTime();
		LocalRejections rejections = base.rejections;
		RateLimitDecision decision = withoutRedis(compiled, rejections, key, permits, maxWaitMillis, start);
		if (decision == null) {
			byte[] redisKey = compiled.key(key);
			byte[][] arguments = compiled.arguments(permits, maxWaitMillis);
			try {
				List<Object> reply = this.executor.call(compiled.script, ReturnType.MULTI, new byte[][] { redisKey },
						arguments);
				decision = fromRedis(compiled, rejections, key, permits, reply, redisKey, arguments, start);
			}
			catch (RedisUnavailableException ex) {
				if (ex.getCause() instanceof InterruptedException) {
					// the caller was interrupted, Redis did not fail: neither an outage nor a fail-open grant
					failed(observation, ex);
					throw new CancellationException("Interrupted while rate-limit policy '" + policy
							+ "' was deciding; the permits may have been taken");
				}
				decision = this.outage.degraded(compiled, key, permits, ex);
			}
			catch (RuntimeException ex) {
				throw failed(observation, ex);
			}
		}
		return settle(decision, start, observation);
	}

	/** As {@link #decide}, without blocking; invalid arguments fail the future. */
	CompletableFuture<RateLimitDecision> decideAsync(CompiledPolicy base, @Nullable String tier, String key,
			long permits, long maxWaitMillis) {
		String policy = base.policy.name();
		CompiledPolicy compiled;
		LocalRejections rejections = base.rejections;
		try {
			checkPermits(permits);
			compiled = effective(base, tier, key);
		}
		catch (IllegalArgumentException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		Observation observation = observe(policy, key);
		long start = System.nanoTime();
		RateLimitDecision early = withoutRedis(compiled, rejections, key, permits, maxWaitMillis, start);
		if (early != null) {
			return CompletableFuture.completedFuture(settle(early, start, observation));
		}
		byte[] redisKey = compiled.key(key);
		byte[][] arguments = compiled.arguments(permits, maxWaitMillis);
		CompletableFuture<List<Object>> reply;
		try {
			reply = this.executor.execute(compiled.script, ReturnType.MULTI, new byte[][] { redisKey }, arguments);
		}
		catch (RuntimeException ex) {
			reply = CompletableFuture.failedFuture(ex);
		}
		return reply.orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS).handle((result, failure) -> {
			RateLimitDecision decision;
			if (failure == null) {
				decision = fromRedis(compiled, rejections, key, permits, result, redisKey, arguments, start);
			}
			else {
				RuntimeException translated = translate(failure);
				if (!(translated instanceof RedisUnavailableException unavailable)) {
					throw new CompletionException(failed(observation, translated));
				}
				decision = this.outage.degraded(compiled, key, permits, unavailable);
			}
			return settle(decision, start, observation);
		});
	}

	private @Nullable Observation observe(String policy, String key) {
		return this.observations.isActive()
				? this.observations.start(RedisPatternsObservation.RATE_LIMIT, policy, null, key) : null;
	}

	/**
	 * The decision made without asking Redis: a refusal this instance remembers, or the outage rule while
	 * the connection is down; {@code null} when Redis is to decide.
	 */
	private @Nullable RateLimitDecision withoutRedis(CompiledPolicy compiled, @Nullable LocalRejections rejections,
			String key, long permits, long maxWaitMillis, long start) {
		RateLimitDecision refused = (rejections != null)
				? rejections.find(compiled, compiled.policy, key, permits, maxWaitMillis, start) : null;
		if (refused != null) {
			return refused;
		}
		return this.connector.isConnected() ? null : this.outage.degraded(compiled, key, permits, NOT_CONNECTED);
	}

	/** Redis decided: any outage is over, and a refusal is remembered for the local rejections. */
	private RateLimitDecision fromRedis(CompiledPolicy compiled, @Nullable LocalRejections rejections, String key,
			long permits, List<Object> reply, byte[] redisKey, byte[][] arguments, long start) {
		RateLimitDecision decision = compiled.decision(reply, permits, redisKey, arguments);
		this.outage.recovered();
		if (rejections != null) {
			rejections.remember(compiled, key, decision, start);
		}
		return decision;
	}

	/** Where every decision ends, sync or async, however it was made: the listener, then the observation. */
	private RateLimitDecision settle(RateLimitDecision decision, long start, @Nullable Observation observation) {
		this.listener.onDecision(decision, System.nanoTime() - start);
		if (observation != null) {
			PatternObservations.stop(observation, decision.outcome().tagValue(), null);
		}
		return decision;
	}

	/** Ends the observation of a call that fails instead of deciding; returns {@code failure} to throw. */
	private static RuntimeException failed(@Nullable Observation observation, RuntimeException failure) {
		if (observation != null) {
			PatternObservations.stop(observation, "failure", failure);
		}
		return failure;
	}

	/** The compiled policy a call uses: its tier's settings, then any override of the policy or the key. */
	CompiledPolicy effective(CompiledPolicy base, @Nullable String tier, String key) {
		CompiledPolicy variant = base;
		if (tier != null) {
			CompiledPolicy tiered = base.tiers.get(tier);
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
		CompiledPolicy from = variant;
		return entry.derive(from, (ignored) -> new CompiledPolicy(from.policy.withOverride(entry.override), this.keys));
	}

	static void checkPermits(long permits) {
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

}
