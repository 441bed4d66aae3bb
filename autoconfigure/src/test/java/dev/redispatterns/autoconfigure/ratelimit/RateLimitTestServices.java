package dev.redispatterns.autoconfigure.ratelimit;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimited;

/**
 * Annotated beans used by the rate-limit auto-configuration tests.
 */
final class RateLimitTestServices {

	private RateLimitTestServices() {
	}

	static class Orders {

		private final AtomicInteger runs = new AtomicInteger();

		/** Runs of the method bodies (a method: fields of a proxy are not the target's). */
		public int runs() {
			return this.runs.get();
		}

		@RateLimited(value = "api", key = "#user")
		public String place(String user) {
			this.runs.incrementAndGet();
			return "placed for " + user;
		}

		@RateLimited(value = "api", key = "#user")
		@RateLimited(value = "global")
		public String perUserAndGlobal(String user) {
			this.runs.incrementAndGet();
			return "ok";
		}

		@RateLimited(limit = 2, window = "1h", algorithm = RateLimitAlgorithm.GCRA)
		public String inline() {
			this.runs.incrementAndGet();
			return "inline";
		}

		@RateLimited(value = "api", permits = 3)
		public String expensive() {
			this.runs.incrementAndGet();
			return "expensive";
		}

		public String unlimited() {
			return "free";
		}

	}

	@RateLimited("api")
	static class ClassLimited {

		public String first() {
			return "first";
		}

		public String second() {
			return "second";
		}

	}

	static class UndefinedPolicy {

		@RateLimited("nope")
		public void call() {
		}

	}

	static class BrokenKey {

		@RateLimited(value = "api", key = "#user +")
		public void call(String user) {
		}

	}

	static class TierWithoutTiers {

		@RateLimited(value = "api", key = "#user", tier = "#plan")
		public void call(String user, String plan) {
		}

	}

	static class BrokenTier {

		@RateLimited(value = "tiered", tier = "#plan +")
		public void call(String plan) {
		}

	}

	static class BadWaitTime {

		@RateLimited(value = "api", waitTime = "soon")
		public void call() {
		}

	}

	static class InlineWithoutWindow {

		@RateLimited(limit = 5)
		public void call() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrdersConfiguration {

		@Bean
		Orders orders() {
			return new Orders();
		}

		@Bean
		ClassLimited classLimited() {
			return new ClassLimited();
		}

	}

	/** Per-algorithm services for the two-instance test. */
	static class Counted {

		@RateLimited(value = "counted", key = "'hot'")
		public void call() {
		}

	}

}
