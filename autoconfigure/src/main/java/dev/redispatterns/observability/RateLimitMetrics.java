package dev.redispatterns.observability;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimitListener;
import dev.redispatterns.ratelimit.RateLimitOutcome;

/**
 * Micrometer meters of the rate limiter. Tags are the policy name and the outcome, both bounded; keys and
 * user ids never become tags.
 */
public final class RateLimitMetrics implements RateLimitListener {

	/** Counter of decisions, tagged {@code policy} and {@code outcome}. */
	public static final String DECISIONS = "redis.patterns.ratelimit.decisions";

	/** Timer of decisions including the Redis round trip, tagged {@code policy}. */
	public static final String LATENCY = "redis.patterns.ratelimit.latency";

	/**
	 * Counter of refusals given without a round trip, as Redis had refused the key until a later time,
	 * tagged {@code policy}; they are counted in {@link #DECISIONS} as {@code rejected} too.
	 */
	public static final String LOCAL_REJECTIONS = "redis.patterns.ratelimit.local.rejections";

	/** Seconds spent unable to reach Redis (counter, includes an outage still going on). */
	public static final String DEGRADED_TIME = "redis.patterns.ratelimit.degraded.time";

	/** 1 while Redis cannot be reached, 0 otherwise. */
	public static final String DEGRADED = "redis.patterns.ratelimit.degraded";

	private static final RateLimitOutcome[] OUTCOMES = RateLimitOutcome.values();

	private final MeterRegistry registry;

	private final Map<String, PolicyMeters> meters = new ConcurrentHashMap<>();

	private final AtomicLong degradedSince = new AtomicLong(Long.MIN_VALUE);

	private final AtomicLong degradedNanos = new AtomicLong();

	public RateLimitMetrics(MeterRegistry registry) {
		this.registry = registry;
		FunctionCounter.builder(DEGRADED_TIME, this, RateLimitMetrics::degradedSeconds)
			.description("Time the rate limiter could not reach Redis and followed fail-open or its local fallback")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder(DEGRADED, this, (metrics) -> metrics.degradedSince.get() != Long.MIN_VALUE ? 1 : 0)
			.description("Whether the rate limiter cannot reach Redis right now")
			.register(registry);
	}

	@Override
	public void onDecision(RateLimitDecision decision, long nanos) {
		String policy = decision.policy().name();
		PolicyMeters policyMeters = this.meters.get(policy);
		if (policyMeters == null) {
			policyMeters = this.meters.computeIfAbsent(policy, this::register);
		}
		policyMeters.decisions[decision.outcome().ordinal()].increment();
		if (decision.isLocal()) {
			policyMeters.localRejections.increment();
		}
		policyMeters.latency.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void onDegraded(RedisUnavailableException cause) {
		this.degradedSince.compareAndSet(Long.MIN_VALUE, System.nanoTime());
	}

	@Override
	public void onRecovered(Duration degradedFor) {
		long since = this.degradedSince.getAndSet(Long.MIN_VALUE);
		if (since != Long.MIN_VALUE) {
			this.degradedNanos.addAndGet(Math.max(0, System.nanoTime() - since));
		}
	}

	private double degradedSeconds() {
		long total = this.degradedNanos.get();
		long since = this.degradedSince.get();
		if (since != Long.MIN_VALUE) {
			total += Math.max(0, System.nanoTime() - since);
		}
		return total / 1e9;
	}

	private PolicyMeters register(String policy) {
		Counter[] decisions = new Counter[OUTCOMES.length];
		for (RateLimitOutcome outcome : OUTCOMES) {
			decisions[outcome.ordinal()] = Counter.builder(DECISIONS)
				.description("Rate-limit decisions")
				.tag("policy", policy)
				.tag("outcome", outcome.tagValue())
				.register(this.registry);
		}
		Timer latency = Timer.builder(LATENCY)
			.description("Time to decide, including the Redis round trip")
			.tag("policy", policy)
			.register(this.registry);
		Counter localRejections = Counter.builder(LOCAL_REJECTIONS)
			.description("Refusals given without a round trip until the time Redis said the key is taken again")
			.tag("policy", policy)
			.register(this.registry);
		return new PolicyMeters(decisions, latency, localRejections);
	}

	private record PolicyMeters(Counter[] decisions, Timer latency, Counter localRejections) {

	}

}
