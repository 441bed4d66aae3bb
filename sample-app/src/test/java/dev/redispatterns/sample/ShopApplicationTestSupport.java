package dev.redispatterns.sample;

import org.junit.jupiter.api.Tag;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;

/**
 * One running shop (random port, development Redis, in-memory H2) shared by the single-instance test
 * classes: they all extend this class, so Spring's test context cache starts it once. Each test uses its
 * own products, users and client addresses.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "shop.catalog.query-latency=0ms", "shop.payment.latency=0ms",
				"shop.jobs.daily-report.cron=-",
				"redis.patterns.structures.write-behind-counters.product-views.flush-interval=300ms" })
@Import({ DevelopmentRedisConfiguration.class, ShopTestConfiguration.class })
@Tag("redis")
abstract class ShopApplicationTestSupport {

	@Value("${local.server.port}")
	protected int port;

	protected ShopClient client(String address) {
		return new ShopClient(this.port, address);
	}

	/** Waits for a condition with a deadline instead of sleeping a fixed time. */
	static void await(String what, Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Timed out after " + timeout + " waiting for: " + what);
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted waiting for: " + what, ex);
			}
		}
	}

}
