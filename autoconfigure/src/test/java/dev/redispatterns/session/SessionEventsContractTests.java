package dev.redispatterns.session;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.session.events.AbstractSessionEvent;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionExpiredEvent;
import org.springframework.test.web.servlet.MockMvc;

import dev.redispatterns.observability.SessionMetrics;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opt-in session events (keyspace notifications) and the session meters.
 */
@RedisTest
class SessionEventsTests {

	private final RedisDeployment redis;

	private final WebApplicationContextRunner runner;

	SessionEventsTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = SessionTestApplication.runner(redis)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(EventCollector.class, EventCollector::new);
	}

	@BeforeEach
	void reset() {
		this.redis.flushAll();
		this.redis.command("CONFIG", "SET", "notify-keyspace-events", "");
	}

	@Test
	void expirationsArePublishedOnEveryInstanceAndCountedOnce() {
		WebApplicationContextRunner events = this.runner.withPropertyValues("redis.patterns.session.timeout=1s",
				"redis.patterns.session.events.enabled=true",
				"redis.patterns.session.events.configure-keyspace-notifications=true");
		events.run((a) -> events.run((b) -> {
			assertThat(String.valueOf(this.redis.command("CONFIG", "GET", "notify-keyspace-events"))).contains("E")
				.contains("g")
				.contains("x");
			MockMvc mvc = SessionTestApplication.mvc(a);
			new Browser().post(mvc, "/put", "value", "one");
			new Browser().post(mvc, "/put", "value", "two");
			waitFor(() -> expired(a) == 2 && expired(b) == 2, Duration.ofSeconds(20));
			assertThat(created(a)).isEqualTo(2);
			assertThat(created(b)).as("created events reach every instance").isEqualTo(2);
			double counted = counter(a, SessionMetrics.EXPIRATIONS) + counter(b, SessionMetrics.EXPIRATIONS);
			assertThat(counted).as("each expiration counted by one instance").isEqualTo(2.0);
			assertThat(counter(a, SessionMetrics.CREATIONS)).isEqualTo(2.0);
			assertThat(counter(b, SessionMetrics.CREATIONS)).isZero();
		}));
	}

	@Test
	void noEventsAndNoConfigCommandByDefault() {
		long configCalls = configCalls();
		Object patternSubscriptions = this.redis.command("PUBSUB", "NUMPAT");
		this.runner.withPropertyValues("redis.patterns.session.timeout=1s").run((context) -> {
			new Browser().post(SessionTestApplication.mvc(context), "/put", "value", "quiet");
			assertThat(configCalls()).isEqualTo(configCalls);
			assertThat(context.getBean(EventCollector.class).events).isEmpty();
			// no keyspace-event or session-event pattern subscriptions are made
			assertThat(this.redis.command("PUBSUB", "NUMPAT")).isEqualTo(patternSubscriptions);
		});
	}

	@Test
	void activeSessionsGaugeCountsLiveSessionsAcrossInstances() {
		this.runner.run((a) -> this.runner.run((b) -> {
			for (int i = 0; i < 3; i++) {
				new Browser().post(SessionTestApplication.mvc((i == 0) ? a : b), "/put", "value", "v" + i);
			}
			Browser gone = new Browser();
			gone.post(SessionTestApplication.mvc(a), "/put", "value", "x");
			gone.post(SessionTestApplication.mvc(a), "/logout");
			assertThat(a.getBean(MeterRegistry.class).get(SessionMetrics.ACTIVE).gauge().value()).isEqualTo(3.0);
			assertThat(b.getBean(MeterRegistry.class).get(SessionMetrics.ACTIVE).gauge().value()).isEqualTo(3.0);
		}));
	}

	private long configCalls() {
		String stats = String.valueOf(this.redis.command("INFO", "commandstats"));
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("cmdstat_config")) {
				return Long.parseLong(line.replaceAll(".*calls=(\\d+).*", "$1"));
			}
		}
		return 0;
	}

	private static long expired(ApplicationContext context) {
		return context.getBean(EventCollector.class).events.stream().filter(SessionExpiredEvent.class::isInstance).count();
	}

	private static long created(ApplicationContext context) {
		return context.getBean(EventCollector.class).events.stream().filter(SessionCreatedEvent.class::isInstance).count();
	}

	private static double counter(ApplicationContext context, String name) {
		return context.getBean(MeterRegistry.class).get(name).counter().count();
	}

	private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("condition not met within " + timeout).isLessThan(deadline);
			Thread.sleep(50);
		}
	}

	static class EventCollector implements ApplicationListener<AbstractSessionEvent> {

		final List<AbstractSessionEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(AbstractSessionEvent event) {
			this.events.add(event);
		}

	}

}
