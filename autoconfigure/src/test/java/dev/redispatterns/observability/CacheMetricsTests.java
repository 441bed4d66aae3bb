package dev.redispatterns.observability;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.redispatterns.cache.CacheListener.DecodeFailure;
import dev.redispatterns.cache.CacheListener.Operation;
import dev.redispatterns.cache.CacheListener.RefreshOutcome;
import dev.redispatterns.cache.CacheListener.Result;
import dev.redispatterns.cache.CacheListener.WaitOutcome;

import static org.assertj.core.api.Assertions.assertThat;

class CacheMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final CacheMetrics metrics = new CacheMetrics(this.registry);

	@Test
	void requestsAreCountedByResult() {
		this.metrics.onRequest("products", Result.HIT);
		this.metrics.onRequest("products", Result.HIT);
		this.metrics.onRequest("products", Result.NEAR_HIT);
		this.metrics.onRequest("products", Result.STALE);
		this.metrics.onRequest("products", Result.MISS);
		assertThat(count(CacheMetrics.REQUESTS, "result", "hit")).isEqualTo(2);
		assertThat(count(CacheMetrics.REQUESTS, "result", "near_hit")).isEqualTo(1);
		assertThat(count(CacheMetrics.REQUESTS, "result", "stale")).isEqualTo(1);
		assertThat(count(CacheMetrics.REQUESTS, "result", "miss")).isEqualTo(1);
	}

	@Test
	void loadsAndWaitsAreTimedByOutcome() {
		this.metrics.onLoad("products", TimeUnit.MILLISECONDS.toNanos(40), true);
		this.metrics.onLoad("products", TimeUnit.MILLISECONDS.toNanos(10), false);
		this.metrics.onStampedeWait("products", TimeUnit.MILLISECONDS.toNanos(45), WaitOutcome.VALUE);
		this.metrics.onStampedeWait("products", TimeUnit.MILLISECONDS.toNanos(5), WaitOutcome.TIMED_OUT);
		assertThat(this.registry.get(CacheMetrics.LOADS).tag("cache", "products").tag("outcome", "success").timer()
			.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
		assertThat(this.registry.get(CacheMetrics.LOADS).tag("outcome", "failure").timer().count()).isEqualTo(1);
		assertThat(this.registry.get(CacheMetrics.STAMPEDE_WAITS).tag("outcome", "value").timer()
			.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(45);
		assertThat(this.registry.get(CacheMetrics.STAMPEDE_WAITS).tag("outcome", "timed_out").timer().count())
			.isEqualTo(1);
	}

	@Test
	void refreshesEvictionsDecodeFailuresAndOutagesAreCounted() {
		this.metrics.onRefresh("products", RefreshOutcome.SUCCESS);
		this.metrics.onRefresh("products", RefreshOutcome.REJECTED);
		this.metrics.onEviction("products", false);
		this.metrics.onEviction("products", true);
		this.metrics.onDecodeFailure("products", DecodeFailure.TYPE_NOT_ALLOWED);
		this.metrics.onUnavailable("products", Operation.READ);
		assertThat(count(CacheMetrics.REFRESHES, "outcome", "success")).isEqualTo(1);
		assertThat(count(CacheMetrics.REFRESHES, "outcome", "rejected")).isEqualTo(1);
		assertThat(count(CacheMetrics.EVICTIONS, "scope", "key")).isEqualTo(1);
		assertThat(count(CacheMetrics.EVICTIONS, "scope", "all")).isEqualTo(1);
		assertThat(count(CacheMetrics.DECODE_FAILURES, "reason", "type_not_allowed")).isEqualTo(1);
		assertThat(count(CacheMetrics.UNAVAILABLE, "operation", "read")).isEqualTo(1);
	}

	@Test
	void metersAreTaggedWithTheCacheNameOnlyAndNamedUnderTheStartersPrefix() {
		this.metrics.onRequest("a", Result.HIT);
		this.metrics.onRequest("b", Result.MISS);
		assertThat(count(CacheMetrics.REQUESTS, "result", "hit", "a")).isEqualTo(1);
		assertThat(count(CacheMetrics.REQUESTS, "result", "miss", "b")).isEqualTo(1);
		for (Meter meter : this.registry.getMeters()) {
			assertThat(meter.getId().getName()).startsWith("redis.patterns.cache.");
			assertThat(meter.getId().getTag("cache")).isIn("a", "b");
			assertThat(meter.getId().getTags()).hasSize(2);
		}
	}

	private double count(String name, String tag, String value) {
		return count(name, tag, value, "products");
	}

	private double count(String name, String tag, String value, String cache) {
		return this.registry.get(name).tag("cache", cache).tag(tag, value).counter().count();
	}

}
