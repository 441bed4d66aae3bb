package dev.redispatterns.observability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.lock.LockType;
import dev.redispatterns.lock.RedisLockManager;
import dev.redispatterns.messaging.PubSubPublisher;
import dev.redispatterns.messaging.QueuePublisher;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.observability.internal.MeterCatalogue.MeterDescriptor;
import dev.redispatterns.observability.internal.MeterCatalogue.TagDescriptor;
import dev.redispatterns.observability.internal.MeterCatalogue;
import dev.redispatterns.observability.internal.StructuresMetrics;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.session.SessionListener.Refusal;
import dev.redispatterns.session.SessionListener.Revocation;
import dev.redispatterns.session.UserSessions;
import dev.redispatterns.structures.Counters;
import dev.redispatterns.structures.Leaderboards;
import dev.redispatterns.structures.UniqueCounters;
import dev.redispatterns.structures.WriteBehindCounter;
import dev.redispatterns.structures.WriteBehindCounters;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meter catalogue is the truth: an application using every pattern (with Actuator, Micrometer
 * Observation and the Prometheus registry, as in production) registers exactly the catalogue's meters,
 * with its types, tags and tag values; the table of docs/observability.md is the catalogue's; and every query of the
 * Grafana dashboard names series that a real Prometheus scrape of that application contains, filtered and
 * grouped by labels those series have.
 */
@RedisTest
class MeterCatalogueTests {

	private static final Pattern METRIC = Pattern.compile("\\bredis_patterns_[a-z0-9_]+\\b");

	private static final Pattern SELECTOR = Pattern.compile("(redis_patterns_[a-z0-9_]+)\\{([^}]*)\\}");

	private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");

	private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");

	/** Labels Prometheus adds to every scraped series. */
	private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

	private static ConfigurableApplicationContext context;

	private static final Set<String> exercisedMeters = new TreeSet<>();

	@BeforeAll
	static void exerciseEveryPattern(RedisDeployment redis) throws Exception {
		redis.flushAll();
		context = ShopRunner.start(redis);
		exerciseForReal();
		context.getBean(MeterRegistry.class).getMeters().stream()
			.map((meter) -> meter.getId().getName())
			.filter((name) -> name.startsWith("redis.patterns."))
			.forEach(exercisedMeters::add);
		reportTheRest();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	/** Each pattern used once, as an application would. */
	private static void exerciseForReal() throws Exception {
		ObservedShop.Catalog catalog = context.getBean(ObservedShop.Catalog.class);
		catalog.product("1");
		catalog.product("1");
		context.getBean(RateLimiter.class).tryAcquire("api", "user-1");
		LockManager locks = context.getBean(LockManager.class);
		try (LockHandle lock = locks.lock("order:1", LockRequest.waitFor(Duration.ofSeconds(1)).withMetricName("checkout"))) {
			assertThat(lock.isHeld()).isTrue();
		}
		LockHandle stuck = locks.lock("order:2", LockRequest.waitFor(Duration.ofSeconds(1)).withMetricName("checkout"));
		((RedisLockManager) locks).forceRelease("order:2");
		assertThat(stuck.isHeld()).isFalse();
		ObservedShop.Listeners listeners = context.getBean(ObservedShop.Listeners.class);
		context.getBean(PubSubPublisher.class).publish("prices", "42");
		context.getBean(StreamPublisher.class).publish("orders", "order-1");
		context.getBean(QueuePublisher.class).enqueue("mails", "mail-1");
		ShopRunner.await("messages handled", () -> listeners.prices.size() == 1 && listeners.orders.size() == 1
				&& listeners.mails.size() == 1);
		@SuppressWarnings("unchecked")
		SessionRepository<Session> sessions = context.getBean(SessionRepository.class);
		Session session = sessions.createSession();
		session.setAttribute("note", "x");
		session.setAttribute(org.springframework.session.FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME,
				"ann");
		sessions.save(session);
		context.getBean(UserSessions.class).revokeAll("ann");
		context.getBean(Leaderboards.class).board("weekly").submit("ann", 10);
		context.getBean(UniqueCounters.class).counter("visitors").add("ann");
		context.getBean(Counters.class).increment("views", "page-1");
		WriteBehindCounter views = context.getBean(WriteBehindCounters.class).register("article-views", (batch) -> {
		});
		views.increment("a-1");
		views.flush();
		context.getBean(MeterRegistry.class).get(SessionMetrics.ACTIVE).gauge().value();
	}

	/**
	 * Events an ordinary run does not produce (failures, outages, slow consumers) reported to the
	 * auto-configured metrics beans directly, so that their meters get registered too.
	 */
	private static void reportTheRest() {
		LockMetrics lockMetrics = context.getBean(LockMetrics.class);
		lockMetrics.onRenewed("checkout", LockType.EXCLUSIVE);
		lockMetrics.onRenewalFailed("checkout", LockType.EXCLUSIVE, new IllegalStateException("down"));
		lockMetrics.onReleaseFailed("checkout", LockType.EXCLUSIVE, new IllegalStateException("down"));
		MessagingMetrics messaging = context.getBean(MessagingMetrics.class);
		messaging.onPubSubDropped("prices");
		messaging.onStreamReclaimed("orders", "billing", 1);
		messaging.onStreamDeadLettered("orders", "billing");
		messaging.onStreamPublishRefused("orders");
		messaging.onStreamTrimBlocked("orders");
		messaging.onStreamDeleted("orders", "billing", 1);
		messaging.onStreamGroupState("orders", "billing", 0, 0);
		messaging.onQueueRetried("mails");
		messaging.onQueueRecovered("mails", 1);
		messaging.onQueueDeadLettered("mails");
		messaging.onQueueDepth("mails", 0, 0);
		SessionMetrics sessions = context.getBean(SessionMetrics.class);
		sessions.onSessionExpired();
		for (Revocation reason : Revocation.values()) {
			sessions.onSessionsRevoked(reason, 1);
		}
		for (Refusal reason : Refusal.values()) {
			sessions.onSessionRefused(reason);
		}
	}

	@Test
	void theApplicationRegistersExactlyTheCataloguedMeters() {
		Map<String, List<Meter>> registered = registered();
		assertThat(registered.keySet()).as("registered meters")
			.containsExactlyInAnyOrderElementsOf(MeterCatalogue.meters().stream().map(MeterDescriptor::name).toList());
		for (MeterDescriptor descriptor : MeterCatalogue.meters()) {
			for (Meter meter : registered.get(descriptor.name())) {
				assertThat(meter.getId().getType().name()).as(descriptor.name() + " type")
					.isEqualTo(descriptor.type().name());
				List<String> keys = meter.getId().getTags().stream().map(Tag::getKey).toList();
				assertThat(keys).as(descriptor.name() + " tags").containsExactlyInAnyOrderElementsOf(descriptor.tagKeys());
				for (TagDescriptor tag : descriptor.tags()) {
					String value = meter.getId().getTag(tag.key());
					assertThat(tag.allows(value)).as(descriptor.name() + " " + tag.key() + "=" + value).isTrue();
				}
			}
		}
	}

	@Test
	void usingEveryPatternOnceRegistersTheEverydayMeters() {
		assertThat(exercisedMeters).contains(CacheMetrics.REQUESTS, CacheMetrics.LOADS, RateLimitMetrics.DECISIONS,
				RateLimitMetrics.LATENCY, LockMetrics.ACQUISITIONS, LockMetrics.WAIT, LockMetrics.HELD, LockMetrics.LOST,
				MessagingMetrics.PUBSUB_HANDLER, MessagingMetrics.STREAM_HANDLER, MessagingMetrics.QUEUE_HANDLER,
				SessionMetrics.ACTIVE, SessionMetrics.CREATIONS, SessionMetrics.REVOCATIONS, StructuresMetrics.LEADERBOARD,
				StructuresMetrics.UNIQUE_COUNTER, StructuresMetrics.COUNTER, StructuresMetrics.WRITE_BEHIND,
				StructuresMetrics.FLUSH, StructuresMetrics.FLUSHED);
		assertThat(exercisedMeters).allSatisfy((name) -> assertThat(MeterCatalogue.find(name)).as(name).isPresent());
	}

	@Test
	void observationsAddNoTimersOfTheirOwn() {
		List<String> observationTimers = RedisPatternsObservationNames.ALL.stream()
			.flatMap((name) -> java.util.stream.Stream.of(name, name + ".active"))
			.toList();
		assertThat(context.getBean(MeterRegistry.class).getMeters().stream().map((meter) -> meter.getId().getName()))
			.doesNotContainAnyElementsOf(observationTimers);
	}

	@Test
	void theObservabilityPageTableIsTheCatalogue() throws Exception {
		String page = Files.readString(Path.of("..", "docs", "observability.md"));
		assertThat(page).as("docs/observability.md must contain MeterCatalogue.markdownTable():%n%s",
				MeterCatalogue.markdownTable())
			.contains(MeterCatalogue.markdownTable());
	}

	@Test
	void everyDashboardQueryNamesScrapedSeriesAndTheirLabels() throws Exception {
		String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
		Set<String> scraped = new TreeSet<>();
		for (String line : scrape.split("\n")) {
			if (!line.isEmpty() && !line.startsWith("#")) {
				scraped.add(line.split("[{ ]", 2)[0]);
			}
		}
		Map<String, MeterDescriptor> byPrometheusName = new HashMap<>();
		MeterCatalogue.meters()
			.forEach((meter) -> meter.prometheusNames().forEach((name) -> byPrometheusName.put(name, meter)));
		List<String> queries = GrafanaDashboardTests.queries(GrafanaDashboardTests.dashboard());
		assertThat(queries).hasSizeGreaterThan(30);
		Set<String> used = new LinkedHashSet<>();
		for (String query : queries) {
			String expr = query.replaceAll("__name__\\s*=~\\s*\"[^\"]*\"", "");
			Set<String> labels = new TreeSet<>(TARGET_LABELS);
			Matcher metric = METRIC.matcher(expr);
			while (metric.find()) {
				String name = metric.group();
				used.add(name);
				assertThat(scraped).as("series %s of query %s", name, query).contains(name);
				assertThat(byPrometheusName).as("catalogue meter of %s", name).containsKey(name);
				labels.addAll(byPrometheusName.get(name).tagKeys());
			}
			Matcher selector = SELECTOR.matcher(expr);
			while (selector.find()) {
				Set<String> own = new TreeSet<>(TARGET_LABELS);
				own.addAll(byPrometheusName.get(selector.group(1)).tagKeys());
				Matcher matcher = MATCHER.matcher(selector.group(2));
				while (matcher.find()) {
					assertThat(own).as("label %s of %s in %s", matcher.group(1), selector.group(1), query)
						.contains(matcher.group(1));
				}
			}
			Matcher grouping = GROUPING.matcher(expr);
			while (grouping.find()) {
				for (String label : grouping.group(1).split(",")) {
					if (!label.isBlank()) {
						assertThat(labels).as("grouping label %s in %s", label.trim(), query).contains(label.trim());
					}
				}
			}
		}
		assertThat(used).as("the dashboard covers caches, rate limits, locks, streams and sessions")
			.contains("redis_patterns_cache_requests_total", "redis_patterns_cache_loads_seconds_count",
					"redis_patterns_cache_stampede_waits_seconds_count", "redis_patterns_ratelimit_decisions_total",
					"redis_patterns_lock_wait_seconds_sum", "redis_patterns_lock_held_seconds_sum",
					"redis_patterns_lock_lost_total", "redis_patterns_messaging_stream_lag",
					"redis_patterns_messaging_stream_dead_lettered_total", "redis_patterns_session_active");
	}

	private static Map<String, List<Meter>> registered() {
		Map<String, List<Meter>> byName = new HashMap<>();
		for (Meter meter : context.getBean(MeterRegistry.class).getMeters()) {
			if (meter.getId().getName().startsWith("redis.patterns.")) {
				byName.computeIfAbsent(meter.getId().getName(), (name) -> new ArrayList<>()).add(meter);
			}
		}
		return byName;
	}

	/** Names of the starter's observations. */
	private static final class RedisPatternsObservationNames {

		static final List<String> ALL = java.util.Arrays.stream(dev.redispatterns.core.RedisPatternsObservation.values())
			.map(dev.redispatterns.core.RedisPatternsObservation::getName)
			.toList();

	}

}
