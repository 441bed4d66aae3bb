package dev.redispatterns.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.core.task.TaskDecorator;
import org.springframework.mock.env.MockEnvironment;

import dev.redispatterns.core.internal.RedisPatternsThreads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisPatternsThreads}: names, kinds, and the decorator applied on the caller's thread.
 */
class RedisPatternsThreadsTests {

	private static final ThreadLocal<String> CALLER = new ThreadLocal<>();

	@Test
	void platformThreadsAreNamedDaemons() {
		ThreadFactory factory = RedisPatternsThreads.platform().factory("stream-orders");
		Thread first = factory.newThread(() -> {
		});
		Thread second = factory.newThread(() -> {
		});
		assertThat(first.getName()).isEqualTo("redis-patterns-stream-orders-1");
		assertThat(second.getName()).isEqualTo("redis-patterns-stream-orders-2");
		assertThat(first.isDaemon()).isTrue();
		assertThat(RedisPatternsThreads.platform().thread("signals", () -> {
		}).getName()).isEqualTo("redis-patterns-signals");
	}

	@Test
	void bootsVirtualThreadsPropertyCountsFromJava21On() throws Exception {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.threads.virtual.enabled", "true");
		RedisPatternsThreads threads = RedisPatternsThreads.of(environment, null);
		boolean available = Runtime.version().feature() >= 21;
		assertThat(threads.isVirtual()).isEqualTo(available);
		Thread thread = threads.thread("reader", () -> {
		});
		assertThat(thread.getName()).isEqualTo("redis-patterns-reader");
		if (available) {
			assertThat((boolean) Thread.class.getMethod("isVirtual").invoke(thread)).isTrue();
		}
		assertThat(RedisPatternsThreads.of(new MockEnvironment(), null).isVirtual()).isFalse();
	}

	@Test
	void theDecoratorCapturesOnTheCallersThreadAndAppliesWhereTheTaskRuns() throws Exception {
		TaskDecorator decorator = (task) -> {
			String captured = CALLER.get();
			return () -> {
				CALLER.set(captured);
				try {
					task.run();
				}
				finally {
					CALLER.remove();
				}
			};
		};
		RedisPatternsThreads threads = new RedisPatternsThreads(false, decorator);
		CALLER.set("caller");
		RedisPatternsThreads.Captured captured;
		try {
			captured = threads.capture();
		}
		finally {
			CALLER.remove();
		}
		CompletableFuture<String> seen = new CompletableFuture<>();
		// wrapped later, on another thread, as when a Redis reply completes on a client thread
		Thread thread = threads.thread("test", () -> captured.wrap(() -> seen.complete(CALLER.get())).run());
		thread.start();
		assertThat(seen.get(30, TimeUnit.SECONDS)).isEqualTo("caller");
		assertThat(RedisPatternsThreads.platform().capture().wrap(() -> {
		})).as("nothing to capture without a decorator").isNotNull();
	}

}
