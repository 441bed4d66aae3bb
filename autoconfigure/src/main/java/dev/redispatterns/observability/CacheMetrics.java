package dev.redispatterns.observability;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.redispatterns.cache.CacheListener;

/**
 * Micrometer meters of the Redis caches, tagged with the cache name (never a key):
 * <ul>
 * <li>{@value #REQUESTS} (counter, tag {@code result}: hit, near_hit, stale, miss)</li>
 * <li>{@value #LOADS} (timer, tag {@code outcome}: success, failure)</li>
 * <li>{@value #STAMPEDE_WAITS} (timer, tag {@code outcome}: value, taken_over, timed_out)</li>
 * <li>{@value #REFRESHES} (counter, tag {@code outcome}: success, failure, rejected)</li>
 * <li>{@value #EVICTIONS} (counter, tag {@code scope}: key, all)</li>
 * <li>{@value #DECODE_FAILURES} (counter, tag {@code reason}: corrupt, type_not_allowed, not_authentic)</li>
 * <li>{@value #UNAVAILABLE} (counter, tag {@code operation}: read, write, evict)</li>
 * </ul>
 */
public class CacheMetrics implements CacheListener {

	public static final String REQUESTS = "redis.patterns.cache.requests";

	public static final String LOADS = "redis.patterns.cache.loads";

	public static final String STAMPEDE_WAITS = "redis.patterns.cache.stampede.waits";

	public static final String REFRESHES = "redis.patterns.cache.refreshes";

	public static final String EVICTIONS = "redis.patterns.cache.evictions";

	public static final String DECODE_FAILURES = "redis.patterns.cache.decode.failures";

	public static final String UNAVAILABLE = "redis.patterns.cache.unavailable";

	private final MeterRegistry registry;

	private final Map<String, Meters> byCache = new ConcurrentHashMap<>();

	public CacheMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onRequest(String cache, Result result) {
		meters(cache).requests[result.ordinal()].increment();
	}

	@Override
	public void onLoad(String cache, long nanos, boolean success) {
		Meters meters = meters(cache);
		(success ? meters.loadSuccess : meters.loadFailure).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void onStampedeWait(String cache, long nanos, WaitOutcome outcome) {
		meters(cache).waits[outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void onRefresh(String cache, RefreshOutcome outcome) {
		meters(cache).refreshes[outcome.ordinal()].increment();
	}

	@Override
	public void onEviction(String cache, boolean all) {
		Meters meters = meters(cache);
		(all ? meters.evictAll : meters.evictKey).increment();
	}

	@Override
	public void onDecodeFailure(String cache, DecodeFailure reason) {
		meters(cache).decodeFailures[reason.ordinal()].increment();
	}

	@Override
	public void onUnavailable(String cache, Operation operation) {
		meters(cache).unavailable[operation.ordinal()].increment();
	}

	private Meters meters(String cache) {
		Meters meters = this.byCache.get(cache);
		return (meters != null) ? meters : this.byCache.computeIfAbsent(cache, (name) -> new Meters(this.registry, name));
	}

	private static String tag(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

	/** The meters of one cache, registered once. */
	private static final class Meters {

		final Counter[] requests;

		final Timer loadSuccess;

		final Timer loadFailure;

		final Timer[] waits;

		final Counter[] refreshes;

		final Counter evictKey;

		final Counter evictAll;

		final Counter[] decodeFailures;

		final Counter[] unavailable;

		Meters(MeterRegistry registry, String cache) {
			this.requests = counters(registry, REQUESTS, cache, "result", Result.values(), "Cache reads by result");
			this.loadSuccess = Timer.builder(LOADS).tag("cache", cache).tag("outcome", "success")
				.description("Values loaded into the cache (the method running)").register(registry);
			this.loadFailure = Timer.builder(LOADS).tag("cache", cache).tag("outcome", "failure")
				.description("Values loaded into the cache (the method running)").register(registry);
			WaitOutcome[] outcomes = WaitOutcome.values();
			this.waits = new Timer[outcomes.length];
			for (WaitOutcome outcome : outcomes) {
				this.waits[outcome.ordinal()] = Timer.builder(STAMPEDE_WAITS).tag("cache", cache)
					.tag("outcome", tag(outcome)).description("Callers waiting for another caller's load of a cold key")
					.register(registry);
			}
			this.refreshes = counters(registry, REFRESHES, cache, "outcome", RefreshOutcome.values(),
					"Background recomputations (refresh-ahead, stale-while-revalidate)");
			this.evictKey = Counter.builder(EVICTIONS).tag("cache", cache).tag("scope", "key")
				.description("Evictions").register(registry);
			this.evictAll = Counter.builder(EVICTIONS).tag("cache", cache).tag("scope", "all")
				.description("Evictions").register(registry);
			this.decodeFailures = counters(registry, DECODE_FAILURES, cache, "reason", DecodeFailure.values(),
					"Stored entries that could not be read and counted as misses");
			this.unavailable = counters(registry, UNAVAILABLE, cache, "operation", Operation.values(),
					"Cache operations that fell back because Redis was unavailable or too slow");
		}

		private static Counter[] counters(MeterRegistry registry, String name, String cache, String tagName,
				Enum<?>[] values, String description) {
			Counter[] counters = new Counter[values.length];
			for (Enum<?> value : values) {
				counters[value.ordinal()] = Counter.builder(name).tag("cache", cache).tag(tagName, tag(value))
					.description(description).register(registry);
			}
			return counters;
		}

	}

}
