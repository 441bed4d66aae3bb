package dev.redispatterns.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.aot.DisabledInAotMode;

import dev.redispatterns.observability.CacheMetrics;
import dev.redispatterns.observability.LockMetrics;
import dev.redispatterns.sample.catalog.ProductRepository;
import dev.redispatterns.sample.reports.InstanceId;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployments.StandaloneRedis;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.sample.ShopApplicationTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the shop behind one Redis and one database, as in production: sessions, cold-key
 * loads, checkouts and the nightly job are coordinated across them.
 */
@RedisTest
// Starts its own applications from test-only configuration classes, which the main application's AOT
// processing cannot know; runs in the JVM build only.
@DisabledInAotMode
class TwoInstancesTests {

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void startTwoInstances(RedisDeployment redis) {
		String database = "jdbc:h2:mem:two-instances-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		first = start(redis, database);
		second = start(redis, database);
	}

	@AfterAll
	static void stop() {
		if (second != null) {
			second.close();
		}
		if (first != null) {
			first.close();
		}
	}

	private static ConfigurableApplicationContext start(RedisDeployment redis, String database) {
		// DevelopmentRedisConfiguration is included on purpose: pointed at a Redis, it must not start another.
		return new SpringApplicationBuilder(SampleApplication.class, DevelopmentRedisConfiguration.class,
				ShopTestConfiguration.class)
			.run("--server.port=0", "--spring.data.redis.host=" + redis.host(),
					"--spring.data.redis.port=" + redis.port(), "--spring.datasource.url=" + database,
					"--shop.catalog.query-latency=300ms", "--shop.payment.latency=0ms",
					"--shop.jobs.daily-report.cron=* * * * * *", "--shop.jobs.daily-report.hold-at-least=700ms");
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	@Test
	void bothInstancesUseTheGivenRedisInsteadOfStartingOne() {
		assertThat(first.getBeanProvider(StandaloneRedis.class).getIfAvailable()).isNull();
		assertThat(second.getBeanProvider(StandaloneRedis.class).getIfAvailable()).isNull();
	}

	@Test
	void aSessionStartedOnOneInstanceWorksOnTheOtherAndEndsEverywhere() {
		ShopClient laptop = new ShopClient(port(first), "10.6.0.1");
		assertThat(laptop.signIn("rupert").statusCode()).isEqualTo(200);
		ShopClient laptopOnSecond = laptop.onPort(port(second));
		HttpResponse<String> me = laptopOnSecond.get("/api/me");
		assertThat(me.statusCode()).isEqualTo(200);
		assertThat(ShopClient.json(me).get("username").asString()).isEqualTo("rupert");

		ShopClient phone = new ShopClient(port(second), "10.6.0.2");
		assertThat(phone.signIn("rupert").statusCode()).isEqualTo(200);
		assertThat(ShopClient.json(laptop.get("/api/me")).get("sessions").size()).isEqualTo(2);

		HttpResponse<String> everywhere = phone.post("/api/logout-everywhere", "{}");
		assertThat(ShopClient.json(everywhere).get("sessionsEnded").asInt()).isEqualTo(2);
		assertThat(laptop.get("/api/me").statusCode()).isEqualTo(401);
		assertThat(laptopOnSecond.get("/api/me").statusCode()).isEqualTo(401);
		assertThat(phone.get("/api/me").statusCode()).isEqualTo(401);
	}

	@Test
	void aMessageBroadcastFromOneInstanceReachesBrowsersOfBoth() throws Exception {
		try (EventStream onFirst = EventStream.open(port(first)); EventStream onSecond = EventStream.open(port(second))) {
			String message = "Sale starts now " + UUID.randomUUID();
			new ShopClient(port(first), "10.6.1.1").post("/api/notifications", "{\"message\":\"" + message + "\"}");
			assertThat(onFirst.await(message, Duration.ofSeconds(20))).as("browser on the first instance").isNotNull();
			assertThat(onSecond.await(message, Duration.ofSeconds(20))).as("browser on the second instance").isNotNull();
		}
	}

	@Test
	void aColdProductReadOnBothInstancesAtOnceIsLoadedOnce() throws Exception {
		long before = queries(first) + queries(second);
		double waitsBefore = stampedeWaits(first) + stampedeWaits(second);
		List<HttpResponse<String>> reads = CheckoutTests.race(12, new java.util.concurrent.Callable<>() {

			private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

			@Override
			public HttpResponse<String> call() {
				int n = this.next.getAndIncrement();
				return new ShopClient(port((n % 2 == 0) ? first : second), "10.7.0." + (1 + n)).get("/api/products/17");
			}

		});
		assertThat(reads).allSatisfy((read) -> assertThat(read.statusCode()).isEqualTo(200));
		assertThat(reads).extracting(HttpResponse::body).containsOnly(reads.get(0).body());
		assertThat(queries(first) + queries(second) - before).as("database loads of the cold product").isEqualTo(1);
		assertThat(stampedeWaits(first) + stampedeWaits(second) - waitsBefore).as("callers that waited for the load")
			.isPositive();
	}

	@Test
	void concurrentCheckoutsOnBothInstancesPayTheOrderOnce() throws Exception {
		ShopClient onFirst = new ShopClient(port(first), "10.8.0.1");
		assertThat(onFirst.signIn("sybil").statusCode()).isEqualTo(200);
		ShopClient onSecond = onFirst.onPort(port(second));
		long orderId = onFirst.order(18, 1);
		JdbcClient jdbc = first.getBean(JdbcClient.class);
		int stockBefore = jdbc.sql("SELECT stock FROM products WHERE id = 18").query(Integer.class).single();
		int callsBefore = payments(first) + payments(second);
		java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
		List<HttpResponse<String>> responses = CheckoutTests.race(10,
				() -> ((next.getAndIncrement() % 2 == 0) ? onFirst : onSecond).post("/api/orders/" + orderId + "/checkout",
						"{}"));
		assertThat(responses).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(200));
		assertThat(responses.stream().filter((response) -> ShopClient.json(response).get("paidNow").asBoolean()))
			.hasSize(1);
		assertThat(payments(first) + payments(second) - callsBefore).isEqualTo(1);
		assertThat(jdbc.sql("SELECT stock FROM products WHERE id = 18").query(Integer.class).single())
			.isEqualTo(stockBefore - 1);
		await("one confirmation mail from one of the two mail workers", Duration.ofSeconds(20),
				() -> jdbc.sql("SELECT COUNT(*) FROM emails WHERE order_id = ?").param(orderId).query(Long.class).single() == 1);
	}

	@Test
	void theNightlyJobRunsOnOneInstancePerTick() {
		JdbcClient jdbc = first.getBean(JdbcClient.class);
		await("four runs of the every-second job", Duration.ofSeconds(30),
				() -> jdbc.sql("SELECT COUNT(*) FROM daily_reports").query(Long.class).single() >= 4);
		List<Instant> starts = jdbc.sql("SELECT started_at FROM daily_reports ORDER BY started_at")
			.query((rs, row) -> rs.getTimestamp(1).toInstant())
			.list();
		List<Long> gaps = new ArrayList<>();
		for (int i = 1; i < starts.size(); i++) {
			gaps.add(Duration.between(starts.get(i - 1), starts.get(i)).toMillis());
		}
		// Both instances fire every second; the lock (held at least 700 ms) lets only one of them run per tick.
		assertThat(gaps).as("milliseconds between runs").allSatisfy((gap) -> assertThat(gap).isGreaterThan(450));
		assertThat(skips(first) + skips(second)).as("ticks skipped because the other instance ran them").isPositive();
		String firstId = first.getBean(InstanceId.class).id();
		assertThat(firstId).endsWith(":" + port(first));
		assertThat(jdbc.sql("SELECT DISTINCT instance FROM daily_reports").query(String.class).list())
			.isSubsetOf(firstId, second.getBean(InstanceId.class).id());
	}

	private static long queries(ConfigurableApplicationContext context) {
		return context.getBean(ProductRepository.class).productQueries();
	}

	private static int payments(ConfigurableApplicationContext context) {
		return context.getBean(GatedPaymentGateway.class).calls();
	}

	private static double stampedeWaits(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class)
			.find(CacheMetrics.STAMPEDE_WAITS)
			.tag("cache", "products")
			.timers()
			.stream()
			.mapToDouble((timer) -> timer.count())
			.sum();
	}

	private static double skips(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class)
			.find(LockMetrics.ACQUISITIONS)
			.tag("name", "daily-report")
			.tag("outcome", "timeout")
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

}
