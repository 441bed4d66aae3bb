package dev.redispatterns.sample;

import java.net.http.HttpResponse;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.redispatterns.test.RedisDeployments.StandaloneRedis;
import dev.redispatterns.test.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The shop keeps serving product pages while Redis does not answer: the cache falls back to the database,
 * the API limits fail open, and the page-view counter gives up on the view instead of failing the page.
 */
class RedisOutageTests extends ShopApplicationTestSupport {

	@Autowired
	private StandaloneRedis redis;

	@Autowired
	private MeterRegistry meters;

	@Test
	void aProductPageIsServedWhileRedisDoesNotAnswer() {
		assumeThat(this.redis.deployment()).isInstanceOf(RedisServerProcess.class);
		RedisServerProcess process = (RedisServerProcess) this.redis.deployment();
		double unrecordedBefore = unrecorded();
		process.pause();
		try {
			HttpResponse<String> page = client("10.1.7.1").get("/api/products/3");
			assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
			assertThat(page.body()).contains("\"id\":3");
		}
		finally {
			process.resume();
		}
		assertThat(unrecorded()).as("the missed view is counted").isGreaterThan(unrecordedBefore);
	}

	private double unrecorded() {
		return this.meters.counter("shop.product.views.unrecorded").count();
	}

}
