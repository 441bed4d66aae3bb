package dev.redispatterns.observability;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.messaging.QueuePublisher;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.observability.internal.RedisPatternsWritableEndpoint;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.ratelimit.RedisRateLimiter;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/redispatterns} in a running web application on a real Redis, with every pattern in
 * use: what it shows, what it never shows, the read-only rate-limit inspect, and no write operations by
 * default.
 */
@RedisTest
class RedisPatternsEndpointTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static ConfigurableApplicationContext context;

	private static String sessionId;

	@BeforeAll
	static void start(RedisDeployment redis) throws Exception {
		redis.flushAll();
		context = ShopRunner.start(redis);
		context.getBean(ObservedShop.Catalog.class).product("42");
		HttpResponse<String> remembered = ShopRunner.send(context, "POST", "/remember?value=" + ObservedShop.SESSION_SECRET);
		assertThat(remembered.statusCode()).isEqualTo(200);
		String cookie = remembered.headers().firstValue("Set-Cookie").orElseThrow();
		sessionId = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
		assertThat(ShopRunner.send(context, "GET", "/recall", "Cookie", "SESSION=" + sessionId).body())
			.isEqualTo(ObservedShop.SESSION_SECRET);
		RateLimiter limiter = context.getBean(RateLimiter.class);
		for (int i = 0; i < 3; i++) {
			assertThat(limiter.tryAcquire("api", "user-1").isAllowed()).isTrue();
		}
		ObservedShop.Listeners listeners = context.getBean(ObservedShop.Listeners.class);
		context.getBean(StreamPublisher.class).publish("orders", "order-1");
		context.getBean(StreamPublisher.class).publish("audit", "entry-1");
		context.getBean(QueuePublisher.class).enqueue("mails", "mail-1");
		ShopRunner.await("the order and the mail to be handled",
				() -> listeners.orders.size() == 1 && listeners.mails.size() == 1);
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void showsTheEffectiveConfigurationOfEveryPattern() throws Exception {
		JsonNode report = read("/actuator/redispatterns");
		assertThat(report.path("topology").asString()).isEqualTo("standalone");
		JsonNode products = report.path("caches").path("caches").path("products");
		assertThat(products.path("ttl").asString()).isEqualTo("1h");
		assertThat(products.path("stampedeProtection").path("maxWait").asString()).isEqualTo("10s");
		assertThat(report.path("caches").path("defaults").path("ttl").asString()).isEqualTo("10m");
		JsonNode api = report.path("rateLimits").path("policies").path("api");
		assertThat(api.path("algorithm").asString()).isEqualTo("sliding-window");
		assertThat(api.path("limit").asLong()).isEqualTo(5);
		assertThat(api.path("window").asString()).isEqualTo("1m");
		assertThat(api.path("failOpen").asBoolean()).isTrue();
		JsonNode uploads = report.path("rateLimits").path("policies").path("uploads");
		assertThat(uploads.path("algorithm").asString()).isEqualTo("token-bucket");
		assertThat(uploads.path("capacity").asLong()).isEqualTo(20);
		assertThat(uploads.path("refillRate").asDouble()).isEqualTo(0.5);
		JsonNode locks = report.path("locks");
		assertThat(locks.path("defaults").path("waitTime").asString()).isEqualTo("2s");
		assertThat(locks.path("defaults").path("leaseTime").asString()).isEqualTo("watchdog");
		assertThat(locks.path("locks").path("checkout").path("waitTime").asString()).isEqualTo("10s");
		assertThat(locks.path("watchdog").path("lease").asString()).isEqualTo("30s");
		JsonNode orders = report.path("streams").path("orders");
		assertThat(orders.path("settings").path("pollTimeout").asString()).isEqualTo("200ms");
		assertThat(orders.path("consumedHereBy").get(0).asString()).isEqualTo("billing");
		assertThat(report.path("streams").path("audit").path("settings").path("maxLength").asLong()).isEqualTo(500);
		assertThat(report.path("queues").path("mails").path("settings").path("maxDeliveries").asInt()).isEqualTo(5);
	}

	@Test
	void showsStreamGroupsWithPendingAndLagAndQueueDepths() throws Exception {
		JsonNode report = read("/actuator/redispatterns");
		JsonNode orders = report.path("streams").path("orders");
		assertThat(orders.path("length").asLong()).isEqualTo(1);
		assertThat(orders.path("deadLetters").asLong()).isZero();
		JsonNode billing = orders.path("groups").get(0);
		assertThat(billing.path("name").asString()).isEqualTo("billing");
		assertThat(billing.path("consumers").asLong()).isEqualTo(1);
		assertThat(billing.path("pending").asLong()).isZero();
		assertThat(billing.path("lag").asLong()).isZero();
		JsonNode audit = report.path("streams").path("audit");
		assertThat(audit.path("length").asLong()).as("configured stream without consumers here").isEqualTo(1);
		assertThat(audit.path("groups")).isEmpty();
		JsonNode mails = report.path("queues").path("mails");
		assertThat(mails.path("ready").asLong()).isZero();
		assertThat(mails.path("consumersHere").asInt()).isEqualTo(1);
		assertThat(mails.path("consumers").asLong()).isEqualTo(1);
	}

	@Test
	void showsTheLocksThisInstanceHoldsWithoutTheirOwnerTokens() throws Exception {
		LockManager locks = context.getBean(LockManager.class);
		try (LockHandle lock = locks.lock("order:42", LockRequest.waitFor(Duration.ofSeconds(1)).withMetricName("checkout"))) {
			JsonNode held = read("/actuator/redispatterns").path("locks").path("held");
			assertThat(held).hasSize(1);
			JsonNode entry = held.get(0);
			assertThat(entry.path("name").asString()).as("lock names can be user data: masked by default")
				.startsWith("masked:")
				.isNotEqualTo("order:42");
			assertThat(entry.path("type").asString()).isEqualTo("exclusive");
			assertThat(entry.path("metricName").asString()).isEqualTo("checkout");
			assertThat(entry.path("fencingToken").asLong()).isEqualTo(lock.fencingToken());
			assertThat(entry.path("watchdog").asBoolean()).isTrue();
			assertThat(entry.path("heldForMs").asLong()).isGreaterThanOrEqualTo(0);
			assertThat(entry.path("renewals").asInt()).isGreaterThanOrEqualTo(0);
			String owner = ownerToken("order:42");
			assertThat(raw("/actuator/redispatterns")).doesNotContain(owner).doesNotContain("order:42");
		}
		assertThat(read("/actuator/redispatterns").path("locks").path("held")).as("released").isEmpty();
	}

	@Test
	void neverShowsCachedValuesSessionIdsSessionDataOrSecrets() throws Exception {
		String body = raw("/actuator/redispatterns");
		assertThat(body).contains("products");
		assertThat(body).doesNotContain(ObservedShop.CACHED_SECRET)
			.doesNotContain(ObservedShop.SESSION_SECRET)
			.doesNotContain(sessionId)
			.doesNotContain(ObservedShop.KEY_SECRET)
			.doesNotContain("order-1")
			.doesNotContain("mail-1");
	}

	@Test
	void inspectsOneRateLimitBucketWithoutChangingIt() throws Exception {
		JsonNode state = read("/actuator/redispatterns/ratelimit/api/user-1");
		assertThat(state.path("exists").asBoolean()).isTrue();
		assertThat(state.path("limit").asLong()).isEqualTo(5);
		assertThat(state.path("remaining").asLong()).isEqualTo(2);
		assertThat(state.path("resetMs").asLong()).isPositive();
		assertThat(state.path("ttlMs").asLong()).isPositive();
		assertThat(read("/actuator/redispatterns/ratelimit/api/user-1").path("remaining").asLong())
			.as("reading twice consumes nothing").isEqualTo(2);
		RedisRateLimiter limiter = context.getBean(RedisRateLimiter.class);
		JsonNode fresh = read("/actuator/redispatterns/ratelimit/api/nobody/with/slashes");
		assertThat(fresh.path("key").asString()).isEqualTo("nobody/with/slashes");
		assertThat(fresh.path("exists").asBoolean()).isFalse();
		assertThat(fresh.path("remaining").asLong()).isEqualTo(5);
		assertThat(redisKeyExists(limiter.redisKey("api", "nobody/with/slashes"))).as("inspect writes nothing")
			.isFalse();
		assertThat(ShopRunner.send(context, "GET", "/actuator/redispatterns/ratelimit/undefined/x").statusCode())
			.isEqualTo(404);
	}

	@Test
	void hasNoWriteOperationsByDefault() throws Exception {
		int reset = ShopRunner.send(context, "DELETE", "/actuator/redispatterns/ratelimit/api/user-1").statusCode();
		int release = ShopRunner.send(context, "DELETE", "/actuator/redispatterns/locks/order:42").statusCode();
		int override = ShopRunner.send(context, "POST", "/actuator/redispatterns/overrides/api").statusCode();
		assertThat(override).isIn(404, 405);
		assertThat(reset).isIn(404, 405);
		assertThat(release).isIn(404, 405);
		assertThat(context.getBean(RedisRateLimiter.class).inspect("api", "user-1").remaining()).isEqualTo(2);
		assertThat(context.getBeansOfType(RedisPatternsWritableEndpoint.class)).isEmpty();
	}

	private static JsonNode read(String path) throws Exception {
		return JSON.readTree(raw(path));
	}

	private static String raw(String path) throws Exception {
		HttpResponse<String> response = ShopRunner.send(context, "GET", path);
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
		return response.body();
	}

	private static String ownerToken(String lock) {
		RedisConnector connector = context.getBean(RedisConnector.class);
		String key = context.getBean(dev.redispatterns.core.internal.RedisKeys.class).slotGroup("lock", lock).key();
		byte[] value = connector.await(connector.commands().get(key.getBytes(StandardCharsets.UTF_8)));
		String text = new String(value, StandardCharsets.UTF_8);
		return text.substring(0, text.indexOf('|'));
	}

	private static boolean redisKeyExists(byte[] key) {
		RedisConnector connector = context.getBean(RedisConnector.class);
		return Boolean.TRUE.equals(connector.execute((c) -> c.keyCommands().exists(key)));
	}

}
