package dev.redispatterns.session;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.session.events.AbstractSessionEvent;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionExpiredEvent;
import org.springframework.test.web.servlet.MockMvc;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.observability.SessionMetrics;
import dev.redispatterns.test.EnabledOnTopology;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTopologies;
import dev.redispatterns.test.TestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opt-in session events (keyspace notifications) and the session meters, on a single server, Sentinel and
 * Cluster. On a cluster each master notifies about its own keys only, so the sessions are spread until
 * every master holds one.
 */
@Tag("portable")
@RedisTopologies
class SessionEventsContractTests extends SessionContract {

	SessionEventsContractTests(RedisDeployment redis) {
		super(redis, (runner) -> runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(EventCollector.class, EventCollector::new));
	}

	@BeforeEach
	void disableNotifications() {
		this.redis.onEveryMaster("CONFIG", "SET", "notify-keyspace-events", "");
	}

	@Test
	void expirationsArePublishedOnEveryInstanceAndCountedOnce() {
		// on Jedis, events on a cluster fail the start instead (SessionEventsClusterTests)
		Assumptions.assumeFalse(
				this.redis.topology() == RedisDeployment.Topology.CLUSTER && TestClient.current() == TestClient.JEDIS,
				"session events on Redis Cluster need Lettuce");
		WebApplicationContextRunner events = this.runner.withPropertyValues("redis.patterns.session.timeout=1s",
				"redis.patterns.session.events.enabled=true",
				"redis.patterns.session.events.configure-keyspace-notifications=true");
		events.run((a) -> events.run((b) -> {
			assertThat(this.redis.onEveryMaster("CONFIG", "GET", "notify-keyspace-events"))
				.allSatisfy((config) -> assertThat(String.valueOf(config)).contains("E").contains("g").contains("x"));
			MockMvc mvc = SessionTestApplication.mvc(a);
			int sessions = createSessionsOnEveryMaster(mvc);
			waitFor(() -> expired(a) == sessions && expired(b) == sessions, Duration.ofSeconds(20));
			assertThat(created(a)).isEqualTo(sessions);
			assertThat(created(b)).as("created events reach every instance").isEqualTo(sessions);
			double counted = counter(a, SessionMetrics.EXPIRATIONS) + counter(b, SessionMetrics.EXPIRATIONS);
			assertThat(counted).as("each expiration counted by one instance").isEqualTo(sessions);
			assertThat(counter(a, SessionMetrics.CREATIONS)).isEqualTo(sessions);
			assertThat(counter(b, SessionMetrics.CREATIONS)).isZero();
		}));
	}

	@Test
	void noEventsAndNoConfigCommandByDefault() {
		long configCalls = configCalls();
		long patternSubscriptions = patternSubscriptions();
		this.runner.withPropertyValues("redis.patterns.session.timeout=1s").run((context) -> {
			new Browser().post(SessionTestApplication.mvc(context), "/put", "value", "quiet");
			assertThat(configCalls()).isEqualTo(configCalls);
			assertThat(context.getBean(EventCollector.class).events).isEmpty();
			// no keyspace-event or session-event pattern subscriptions are made
			assertThat(patternSubscriptions()).isEqualTo(patternSubscriptions);
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

	/**
	 * Creates at least two sessions, and more until every master held the expiry key of one (each key is
	 * only alive for the one-second timeout, so they are looked for right after each creation).
	 */
	private int createSessionsOnEveryMaster(MockMvc mvc) {
		int masters = this.redis.onEveryMaster("PING").size();
		Set<Integer> holding = new HashSet<>();
		int created = 0;
		while (created < 2 || (holding.size() < masters && created < 40)) {
			new Browser().post(mvc, "/put", "value", "v" + created);
			created++;
			List<Object> keys = this.redis.onEveryMaster("KEYS", "rp:session:sessions:expires:*");
			for (int node = 0; node < keys.size(); node++) {
				if (!((List<?>) keys.get(node)).isEmpty()) {
					holding.add(node);
				}
			}
		}
		assertThat(holding).as("sessions on every master").hasSize(masters);
		return created;
	}

	private long configCalls() {
		long calls = 0;
		for (Object stats : this.redis.onEveryMaster("INFO", "commandstats")) {
			for (String line : String.valueOf(stats).split("\r?\n")) {
				if (line.startsWith("cmdstat_config")) {
					calls += Long.parseLong(line.replaceAll(".*calls=(\\d+).*", "$1"));
				}
			}
		}
		return calls;
	}

	private long patternSubscriptions() {
		return this.redis.onEveryMaster("PUBSUB", "NUMPAT").stream().mapToLong((count) -> (Long) count).sum();
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

	// cluster only

	@Test
	@EnabledOnTopology(Topology.CLUSTER)
	void eventsOnClusterInPortableModeFailTheStartNamingTheProperty() {
		this.runner.withPropertyValues("redis.patterns.client=portable", "redis.patterns.session.events.enabled=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidPropertyException.class)
					.hasMessageContaining("redis.patterns.session.events.enabled")
					.hasMessageContaining("need Lettuce");
			});
		this.runner
			.withPropertyValues("redis.patterns.client=portable", "spring.session.data.redis.repository-type=indexed")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidPropertyException.class)
					.hasMessageContaining("spring.session.data.redis.repository-type")
					.hasMessageContaining("need Lettuce");
			});
	}

}
