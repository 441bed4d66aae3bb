package dev.redispatterns.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.task.TaskDecorator;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheAutoConfiguration;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingAutoConfiguration;
import dev.redispatterns.cache.CacheListener;
import dev.redispatterns.core.internal.RedisPatternsThreads;
import dev.redispatterns.messaging.StreamGroupListener;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's threads as Spring Boot's own: virtual with {@code spring.threads.virtual.enabled} (Java 21+),
 * one name prefix, the application's {@link TaskDecorator} around work run on a caller's behalf, and at
 * shutdown work in flight ends before the starter's connections close, with nothing logged.
 */
@RedisTest
@ExtendWith(OutputCaptureExtension.class)
class StarterThreadsTests {

	static final long WAIT_SECONDS = 30;

	static final boolean VIRTUAL_THREADS_AVAILABLE = Runtime.version().feature() >= 21;

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	StarterThreadsTests(RedisDeployment redis) {
		this.redis = redis;
		redis.flushAll();
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsCacheAutoConfiguration.class,
					CacheAutoConfiguration.class, RedisPatternsMessagingAutoConfiguration.class))
			.withPropertyValues(redis.springProperties())
			.withPropertyValues("redis.patterns.command-timeout=5s", "redis.patterns.cache.timeout=3s");
	}

	@Test
	void threadsAreVirtualWhenBootsPropertySaysSoOnJava21AndLater() {
		this.runner.withUserConfiguration(Handlers.class)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> {
				assertThat(context.getBean(RedisPatternsThreads.class).isVirtual())
					.as("virtual on Java %s", Runtime.version().feature())
					.isEqualTo(VIRTUAL_THREADS_AVAILABLE);
				Thread handler = handledOn(context, "kind-virtual");
				assertThat(handler.getName()).startsWith("redis-patterns-stream-kind-virtual-");
				assertThat(isVirtual(handler)).isEqualTo(VIRTUAL_THREADS_AVAILABLE);
			});
		this.runner.withUserConfiguration(Handlers.class)
			.withPropertyValues("spring.threads.virtual.enabled=false")
			.run((context) -> {
				assertThat(context.getBean(RedisPatternsThreads.class).isVirtual()).isFalse();
				Thread handler = handledOn(context, "kind-platform");
				assertThat(handler.getName()).startsWith("redis-patterns-stream-kind-platform-");
				assertThat(isVirtual(handler)).isFalse();
				assertThat(handler.isDaemon()).isTrue();
			});
	}

	@Test
	void aRefreshRunsInTheContextOfTheCallerThatStartedItThroughTheTaskDecorator() throws Exception {
		this.runner.withUserConfiguration(Cached.class, MdcTaskDecoratorConfiguration.class)
			.withPropertyValues("redis.patterns.cache.caches.traced.ttl=1s",
					"redis.patterns.cache.caches.traced.ttl-jitter=0",
					"redis.patterns.cache.caches.traced.stale-while-revalidate=1m")
			.run((context) -> {
				TracedLoader loader = context.getBean(TracedLoader.class);
				assertThat(withMdc("first-caller", () -> loader.value("a"))).isEqualTo("a-1");
				assertThat(loader.nextCall().request()).isEqualTo("first-caller");
				awaitExpiry(Duration.ofMillis(1100));
				assertThat(withMdc("second-caller", () -> loader.value("a"))).as("stale value").isEqualTo("a-1");
				Call refresh = loader.nextCall();
				assertThat(refresh).as("background refresh").isNotNull();
				assertThat(refresh.thread().getName()).startsWith("redis-patterns-cache-refresh-");
				assertThat(refresh.request()).as("MDC of the caller that started the refresh")
					.isEqualTo("second-caller");
				assertThat(MDC.get("request")).isNull();
			});
	}

	@Test
	void anInFlightRefreshStoresItsValueBeforeTheConnectionsClose(CapturedOutput output) {
		this.runner.withUserConfiguration(Cached.class, ReleaseBeforeConnectionsClose.class)
			.withPropertyValues("redis.patterns.cache.caches.traced.ttl=1s",
					"redis.patterns.cache.caches.traced.ttl-jitter=0",
					"redis.patterns.cache.caches.traced.stale-while-revalidate=1m")
			.run((context) -> {
				TracedLoader loader = context.getBean(TracedLoader.class);
				Outcomes outcomes = context.getBean(Outcomes.class);
				assertThat(loader.value("b")).isEqualTo("b-1");
				loader.nextCall();
				awaitExpiry(Duration.ofMillis(1100));
				CountDownLatch gate = loader.hold();
				assertThat(loader.value("b")).as("stale value").isEqualTo("b-1");
				assertThat(loader.nextCall()).as("refresh in flight").isNotNull();
				// released by a lifecycle bean that stops just before the starter's connections close, with
				// Redis holding writes back for a moment: the refresh's store is in flight when they would close
				ReleaseBeforeConnectionsClose release = context.getBean(ReleaseBeforeConnectionsClose.class);
				release.pauseWrites = () -> this.redis.command("CLIENT", "PAUSE", "1500", "WRITE");
				release.gate = gate;
				context.close();
				assertThat(outcomes.refreshes).containsExactly(CacheListener.RefreshOutcome.SUCCESS);
			});
		this.runner.withUserConfiguration(Cached.class).run((context) -> {
			TracedLoader loader = context.getBean(TracedLoader.class);
			assertThat(loader.value("b")).as("the refresh's value, stored before the connections closed")
				.isEqualTo("b-2");
			assertThat(loader.called()).as("served from Redis").isFalse();
		});
		assertNothingLogged(output);
	}

	@Test
	void anInFlightHandlerFinishesAndIsAcknowledgedBeforeTheConnectionsClose(CapturedOutput output) {
		this.runner.withUserConfiguration(Handlers.class)
			.withPropertyValues("spring.threads.virtual.enabled=true", "redis.patterns.messaging.shutdown-timeout=30s")
			.run((context) -> {
				Handlers handlers = context.getBean(Handlers.class);
				handlers.gate = new CountDownLatch(1);
				context.getBean(StreamPublisher.class).publish("slow", "job");
				assertThat(handlers.entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("handler entered").isTrue();
				Thread closer = new Thread(context::close);
				closer.start();
				assertThat(handlers.closing.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("context closing").isTrue();
				handlers.gate.countDown();
				closer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
				assertThat(closer.isAlive()).as("close finished").isFalse();
				assertThat(handlers.finished).as("the handler's own write through the starter").isEqualTo("written");
				assertThat(pending("slow", "workers")).as("the entry was acknowledged").isZero();
			});
		assertNothingLogged(output);
	}

	private Thread handledOn(ConfigurableApplicationContext context, String stream) throws InterruptedException {
		Handlers handlers = context.getBean(Handlers.class);
		context.getBean(StreamPublisher.class).publish(stream, "hello");
		Thread thread = handlers.threads.poll(WAIT_SECONDS, TimeUnit.SECONDS);
		assertThat(thread).as("handled").isNotNull();
		return thread;
	}

	private long pending(String stream, String group) {
		List<?> summary = (List<?>) this.redis.command("XPENDING", "rp:msg:{stream:" + stream + "}", group);
		return ((Number) summary.get(0)).longValue();
	}

	private static void assertNothingLogged(CapturedOutput output) {
		assertThat(output.toString()).doesNotContain("Connection is already closed")
			.doesNotContain(" ERROR ")
			.doesNotContain(" WARN ");
	}

	/** The entry's logical expiry is a matter of time: wait for the clock, not for another thread. */
	private static void awaitExpiry(Duration ttl) throws InterruptedException {
		long expired = System.nanoTime() + ttl.toNanos();
		while (System.nanoTime() < expired) {
			Thread.sleep(10);
		}
	}

	private static String withMdc(String request, java.util.function.Supplier<String> call) {
		MDC.put("request", request);
		try {
			return call.get();
		}
		finally {
			MDC.remove("request");
		}
	}

	private static boolean isVirtual(Thread thread) throws Exception {
		if (!VIRTUAL_THREADS_AVAILABLE) {
			return false;
		}
		return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
	}

	record Call(String request, Thread thread) {
	}

	public static class TracedLoader {

		final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();

		volatile CountDownLatch gate = new CountDownLatch(0);

		private int count;

		public Call nextCall() throws InterruptedException {
			return this.calls.poll(WAIT_SECONDS, TimeUnit.SECONDS);
		}

		public boolean called() {
			return !this.calls.isEmpty();
		}

		/** Makes the next loads wait for the returned gate. */
		public CountDownLatch hold() {
			this.gate = new CountDownLatch(1);
			return this.gate;
		}

		@Cacheable("traced")
		public String value(String id) {
			this.calls.add(new Call(MDC.get("request"), Thread.currentThread()));
			try {
				this.gate.await(WAIT_SECONDS, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted", ex);
			}
			synchronized (this) {
				return id + "-" + (++this.count);
			}
		}

	}

	static class Outcomes implements CacheListener {

		final List<RefreshOutcome> refreshes = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Override
		public void onRefresh(String cacheName, RefreshOutcome outcome) {
			this.refreshes.add(outcome);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class Cached {

		@Bean
		TracedLoader tracedLoader() {
			return new TracedLoader();
		}

		@Bean
		Outcomes outcomes() {
			return new Outcomes();
		}

	}

	/** Stops in the phase just before the starter closes its connections, and lets the loader go on then. */
	static class ReleaseBeforeConnectionsClose implements SmartLifecycle {

		private final LettuceConnectionFactory connectionFactory;

		volatile CountDownLatch gate = new CountDownLatch(0);

		volatile Runnable pauseWrites = () -> {
		};

		private volatile boolean running;

		ReleaseBeforeConnectionsClose(LettuceConnectionFactory connectionFactory) {
			this.connectionFactory = connectionFactory;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			this.pauseWrites.run();
			this.gate.countDown();
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return this.connectionFactory.getPhase() + 2;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers implements ApplicationListener<ContextClosedEvent> {

		final BlockingQueue<Thread> threads = new LinkedBlockingQueue<>();

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch closing = new CountDownLatch(1);

		volatile CountDownLatch gate = new CountDownLatch(0);

		volatile String finished;

		private final ObjectProvider<StreamPublisher> publisher;

		Handlers(ObjectProvider<StreamPublisher> publisher) {
			this.publisher = publisher;
		}

		@Override
		public void onApplicationEvent(ContextClosedEvent event) {
			this.closing.countDown();
		}

		@StreamGroupListener(stream = "kind-virtual", group = "workers")
		void kindVirtual(String message) {
			this.threads.add(Thread.currentThread());
		}

		@StreamGroupListener(stream = "kind-platform", group = "workers")
		void kindPlatform(String message) {
			this.threads.add(Thread.currentThread());
		}

		@StreamGroupListener(stream = "slow", group = "workers")
		void slow(String message) throws InterruptedException {
			this.entered.countDown();
			this.gate.await(WAIT_SECONDS, TimeUnit.SECONDS);
			this.publisher.getObject().publish("slow-done", message);
			this.finished = "written";
		}

	}

}
