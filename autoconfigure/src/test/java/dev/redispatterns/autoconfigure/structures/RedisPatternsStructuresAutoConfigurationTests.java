package dev.redispatterns.autoconfigure.structures;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.observability.internal.StructuresMetrics;
import dev.redispatterns.structures.CounterPolicy;
import dev.redispatterns.structures.Counters;
import dev.redispatterns.structures.LeaderboardPolicy;
import dev.redispatterns.structures.Leaderboards;
import dev.redispatterns.structures.Period;
import dev.redispatterns.structures.UniqueCounterPolicy;
import dev.redispatterns.structures.UniqueCounters;
import dev.redispatterns.structures.WriteBehindCounter;
import dev.redispatterns.structures.WriteBehindCounters;
import dev.redispatterns.structures.WriteBehindPolicy;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest
class RedisPatternsStructuresAutoConfigurationTests {

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	RedisPatternsStructuresAutoConfigurationTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsStructuresAutoConfiguration.class))
			.withPropertyValues(redis.springProperties());
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@Test
	void servicesAreAvailableWithDefaults() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(Leaderboards.class)
				.hasSingleBean(UniqueCounters.class)
				.hasSingleBean(Counters.class)
				.hasSingleBean(WriteBehindCounters.class);
			assertThat(context.getBean(Leaderboards.class).settings("any")).isEqualTo(LeaderboardPolicy.defaults());
			assertThat(context.getBean(UniqueCounters.class).settings("any")).isEqualTo(UniqueCounterPolicy.defaults());
			assertThat(context.getBean(Counters.class).settings("any")).isEqualTo(CounterPolicy.defaults());
			assertThat(context.getBean(Leaderboards.class).board("score").submit("ann", 3).entry().rank()).isEqualTo(1);
		});
	}

	@Test
	void switchedOffWithItsProperty() {
		this.runner.withPropertyValues("redis.patterns.structures.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(Leaderboards.class)
				.doesNotHaveBean(WriteBehindCounters.class));
	}

	@Test
	void backsOffWithoutRedis() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisPatternsAutoConfiguration.class,
					RedisPatternsStructuresAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(Leaderboards.class));
	}

	@Test
	void perNameSettingsOverrideTheSharedOnes() {
		this.runner
			.withPropertyValues("redis.patterns.structures.leaderboard.retention=3d",
					"redis.patterns.structures.leaderboards.laps.order=lower-first",
					"redis.patterns.structures.leaderboards.laps.period=weekly",
					"redis.patterns.structures.leaderboards.laps.max-entries=100",
					"redis.patterns.structures.unique-counter.retention=10d",
					"redis.patterns.structures.unique-counters.forever.period=none",
					"redis.patterns.structures.counter.time-to-live=1h",
					"redis.patterns.structures.counters.idle.sliding=true",
					"redis.patterns.structures.write-behind.flush-interval=2s",
					"redis.patterns.structures.write-behind-counters.views.lease-time=1m")
			.run((context) -> {
				Leaderboards boards = context.getBean(Leaderboards.class);
				assertThat(boards.settings("laps")).isEqualTo(new LeaderboardPolicy(
						LeaderboardPolicy.Order.LOWER_FIRST, Period.WEEKLY, Duration.ofDays(3), 100));
				assertThat(boards.settings("other")).isEqualTo(new LeaderboardPolicy(
						LeaderboardPolicy.Order.HIGHER_FIRST, Period.NONE, Duration.ofDays(3), 0));
				assertThat(context.getBean(UniqueCounters.class).settings("forever"))
					.isEqualTo(new UniqueCounterPolicy(Period.NONE, Duration.ofDays(10)));
				assertThat(context.getBean(Counters.class).settings("idle"))
					.isEqualTo(new CounterPolicy(Duration.ofHours(1), true));
				WriteBehindCounters writeBehind = context.getBean(WriteBehindCounters.class);
				assertThat(writeBehind.register("views", (batch) -> {
				}).settings()).isEqualTo(
						new WriteBehindPolicy(Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofDays(7)));
				assertThat(writeBehind.register("other", (batch) -> {
				}).settings().leaseTime()).isEqualTo(Duration.ofSeconds(30));
			});
	}

	@Test
	void invalidSettingsFailStartUpNamingTheProperty() {
		assertFailure("redis.patterns.structures.zone=Mars/Olympus", "redis.patterns.structures.zone");
		assertFailure("redis.patterns.structures.leaderboard.max-entries=-1",
				"redis.patterns.structures.leaderboard.max-entries");
		assertFailure("redis.patterns.structures.leaderboards.laps.retention=-1d",
				"redis.patterns.structures.leaderboards.laps.retention");
		assertFailure("redis.patterns.structures.counters.views.time-to-live=-1s",
				"redis.patterns.structures.counters.views.time-to-live");
		assertFailure("redis.patterns.structures.write-behind.flush-interval=0s",
				"redis.patterns.structures.write-behind.flush-interval");
		assertFailure("redis.patterns.structures.write-behind-counters.views.retention=10s",
				"redis.patterns.structures.write-behind-counters.views.retention");
	}

	@Test
	void writeBehindFlushLosesNothingAcrossAContextStop() throws Exception {
		ArticleTable table = new ArticleTable();
		Map<String, Long> database = table.views;
		ApplicationContextRunner withSink = this.runner.withBean(ArticleTable.class, () -> table)
			.withUserConfiguration(ArticleViews.class)
			.withPropertyValues("redis.patterns.structures.write-behind.flush-interval=100ms");
		withSink.run((a) -> withSink.run((b) -> {
			WriteBehindCounter first = a.getBean(WriteBehindCounter.class);
			WriteBehindCounter second = b.getBean(WriteBehindCounter.class);
			Thread[] threads = new Thread[8];
			for (int t = 0; t < threads.length; t++) {
				WriteBehindCounter counter = (t % 2 == 0) ? first : second;
				threads[t] = new Thread(() -> {
					for (int i = 0; i < 500; i++) {
						counter.increment("article-" + (i % 5));
					}
				});
				threads[t].start();
			}
			for (Thread thread : threads) {
				thread.join(60_000);
			}
			b.close();
			assertThat(first.pending("article-0") + database.getOrDefault("article-0", 0L)).isEqualTo(800);
		}));
		assertThat(database).hasSize(5).allSatisfy((article, views) -> assertThat(views).as(article).isEqualTo(800L));
	}

	@Test
	void stoppingTheContextFlushesWhatTheIntervalHasNotYet() {
		ArticleTable table = new ArticleTable();
		this.runner.withBean(ArticleTable.class, () -> table)
			.withUserConfiguration(ArticleViews.class)
			.withPropertyValues("redis.patterns.structures.write-behind.flush-interval=1h")
			.run((context) -> {
				WriteBehindCounter views = context.getBean(WriteBehindCounter.class);
				for (int i = 0; i < 300; i++) {
					views.increment("article-" + (i % 3));
				}
				assertThat(table.views).as("nothing flushed before the stop").isEmpty();
			});
		assertThat(table.views).containsExactlyInAnyOrderEntriesOf(
				Map.of("article-0", 100L, "article-1", 100L, "article-2", 100L));
	}

	@Test
	void operationsAreTimedWhenThereIsAMeterRegistry() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(StructuresMetrics.class);
			context.getBean(Leaderboards.class).board("weekly-score").submit("ann", 1);
			context.getBean(Counters.class).increment("views", "page-1");
			context.getBean(UniqueCounters.class).counter("visitors").add("x");
			WriteBehindCounter views = context.getBean(WriteBehindCounters.class).register("wb", (batch) -> {
			});
			views.increment("a");
			views.flush();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("redis.patterns.structures.leaderboard")
				.tags("name", "weekly-score", "operation", "submit", "outcome", "success")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get("redis.patterns.structures.counter").tags("name", "views", "operation", "increment")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get(StructuresMetrics.UNIQUE_COUNTER).tags("name", "visitors").timer().count())
				.isEqualTo(1);
			assertThat(registry.get(StructuresMetrics.FLUSH).tags("name", "wb").timer().count()).isEqualTo(1);
			assertThat(registry.get(StructuresMetrics.FLUSHED).tags("name", "wb").counter().count()).isEqualTo(1);
		});
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(StructuresMetrics.class));
	}

	@Test
	void metricTagsStayBoundedWhateverNamesTheApplicationUses() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			Leaderboards boards = context.getBean(Leaderboards.class);
			for (int i = 0; i < 150; i++) {
				boards.board("tournament-" + i).size();
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("redis.patterns.structures.leaderboard").timers()).hasSize(101);
			assertThat(registry.get(StructuresMetrics.LEADERBOARD).tag("name", StructuresMetrics.OTHER).timer().count())
				.isEqualTo(50);
		});
	}

	private void assertFailure(String property, String named) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("'" + named + "'");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ArticleViews {

		@Bean
		WriteBehindCounter articleViews(WriteBehindCounters counters, ArticleTable table) {
			return counters.register("article-views",
					(batch) -> batch.deltas().forEach((id, delta) -> table.views.merge(id, delta, Long::sum)));
		}

	}

	/** Stands for the database table the views end up in. */
	static class ArticleTable {

		final Map<String, Long> views = new ConcurrentHashMap<>();

	}

}
