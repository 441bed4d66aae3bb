package dev.redispatterns.observability;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.observability.internal.RedisPatternsWritableEndpoint;
import dev.redispatterns.ratelimit.RateLimitOverrides;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.ratelimit.RedisRateLimiter;
import dev.redispatterns.test.RecordedLogs;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint's write operations, switched on with
 * {@code redis.patterns.observability.endpoint.write-operations.enabled}: they do what they say and every
 * use is audited (WARN log and an audit event).
 */
@RedisTest
@ExtendWith(RecordedLogs.Extension.class)
class RedisPatternsEndpointWriteOperationsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Signs the request in as {@code ops-ann} (see {@link ObservedShop}). */
	private static final String[] OPERATOR = { ObservedShop.OPERATOR_HEADER, "ops-ann" };

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start(RedisDeployment redis) {
		redis.flushAll();
		context = ShopRunner.start(redis, "redis.patterns.observability.endpoint.write-operations.enabled=true");
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void resetsOneClientsRateLimitBucketAndAuditsIt(RecordedLogs output) throws Exception {
		RateLimiter limiter = context.getBean(RateLimiter.class);
		for (int i = 0; i < 5; i++) {
			limiter.tryAcquire("api", "greedy");
		}
		limiter.tryAcquire("api", "modest");
		assertThat(limiter.tryAcquire("api", "greedy").isAllowed()).isFalse();
		Instant before = Instant.now().minusSeconds(1);
		HttpResponse<String> response = ShopRunner.send(context, "DELETE", "/actuator/redispatterns/ratelimit/api/greedy", OPERATOR);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode result = JSON.readTree(response.body());
		assertThat(result.path("hadState").asBoolean()).isTrue();
		assertThat(context.getBean(RedisRateLimiter.class).inspect("api", "greedy").remaining()).isEqualTo(5);
		assertThat(context.getBean(RedisRateLimiter.class).inspect("api", "modest").remaining())
			.as("other clients keep their state").isEqualTo(4);
		assertThat(limiter.tryAcquire("api", "greedy").isAllowed()).isTrue();
		AuditEvent event = auditEvent(RedisPatternsWritableEndpoint.RATE_LIMIT_RESET, before);
		assertThat(event.getPrincipal()).isEqualTo("ops-ann");
		assertThat(event.getData()).containsEntry("policy", "api").containsEntry("key", "greedy");
		assertThat(output).contains("WARN").contains("ops-ann reset the rate-limit bucket of policy 'api', key 'greedy'");
	}

	@Test
	void forceReleasesALockSoTheNextCallerGetsItAndAuditsIt(RecordedLogs output) throws Exception {
		LockManager locks = context.getBean(LockManager.class);
		LockHandle stuck = locks.lock("report:daily", LockRequest.waitFor(Duration.ofSeconds(1)));
		assertThat(locks.tryLock("report:daily", LockRequest.immediate())).as("held").isEmpty();
		Instant before = Instant.now().minusSeconds(1);
		HttpResponse<String> response = ShopRunner.send(context, "DELETE", "/actuator/redispatterns/locks/report:daily", OPERATOR);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(JSON.readTree(response.body()).path("released").asBoolean()).isTrue();
		assertThat(stuck.isHeld()).as("the holder here learns at once that it lost the lock").isFalse();
		Optional<LockHandle> next = locks.tryLock("report:daily", LockRequest.immediate());
		assertThat(next).isPresent();
		assertThat(next.get().fencingToken()).isGreaterThan(stuck.fencingToken());
		next.get().unlock();
		AuditEvent event = auditEvent(RedisPatternsWritableEndpoint.LOCK_FORCE_RELEASE, before);
		assertThat(event.getData()).containsEntry("lock", "report:daily").containsEntry("released", true);
		assertThat(output).contains("ops-ann force-released lock 'report:daily'");
		HttpResponse<String> again = ShopRunner.send(context, "DELETE", "/actuator/redispatterns/locks/report:daily", OPERATOR);
		assertThat(JSON.readTree(again.body()).path("released").asBoolean()).as("nobody holds it now").isFalse();
	}

	@Test
	void setsAndClearsARateLimitOverrideForEveryInstanceAndAuditsIt(RecordedLogs output) throws Exception {
		RateLimiter limiter = context.getBean(RateLimiter.class);
		RateLimitOverrides overrides = context.getBean(RateLimitOverrides.class);
		Instant before = Instant.now().minusSeconds(1);
		HttpResponse<String> set = post("/actuator/redispatterns/overrides/api/partner-7",
				"{\"limit\": 8, \"window\": \"2m\", \"expiresAfter\": \"1h\"}");
		assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
		assertThat(overrides.list()).singleElement().satisfies((entry) -> {
			assertThat(entry.policy()).isEqualTo("api");
			assertThat(entry.key()).isEqualTo("partner-7");
			assertThat(entry.override().limit()).isEqualTo(8);
			assertThat(entry.override().window()).hasMinutes(2);
			assertThat(entry.expiresIn()).isPositive().isLessThanOrEqualTo(java.time.Duration.ofHours(1));
		});
		assertThat(limiter.tryAcquire("api", "partner-7", 8).isAllowed()).as("the key's new limit").isTrue();
		assertThat(limiter.tryAcquire("api", "someone", 6).isAllowed()).as("other keys keep the policy's").isFalse();
		JsonNode listed = JSON.readTree(ShopRunner.send(context, "GET", "/actuator/redispatterns").body())
			.path("rateLimits")
			.path("overrides")
			.get(0);
		assertThat(listed.path("key").asString()).isEqualTo("partner-7");
		assertThat(listed.path("limit").asLong()).isEqualTo(8);
		assertThat(listed.path("window").asString()).isEqualTo("2m");
		JsonNode ofPolicy = JSON.readTree(ShopRunner.send(context, "GET", "/actuator/redispatterns/overrides/api").body());
		assertThat(ofPolicy.path("overrides")).hasSize(1);
		AuditEvent event = auditEvent(RedisPatternsWritableEndpoint.RATE_LIMIT_OVERRIDE, before);
		assertThat(event.getData()).containsEntry("policy", "api").containsEntry("key", "partner-7");
		assertThat(output).contains("ops-ann overrode rate-limit policy 'api', key 'partner-7'");

		assertThat(post("/actuator/redispatterns/overrides/api", "{\"window\": \"soon\"}").statusCode())
			.as("not a duration").isEqualTo(400);
		assertThat(post("/actuator/redispatterns/overrides/api", "{\"refillRate\": 2}").statusCode())
			.as("a sliding window has no refill rate").isEqualTo(400);
		assertThat(post("/actuator/redispatterns/overrides/undefined", "{\"limit\": 1}").statusCode()).isEqualTo(400);

		HttpResponse<String> cleared = ShopRunner.send(context, "DELETE", "/actuator/redispatterns/overrides/api/partner-7", OPERATOR);
		assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
		assertThat(JSON.readTree(cleared.body()).path("cleared").asBoolean()).isTrue();
		assertThat(overrides.list()).isEmpty();
	}

	@Test
	void refusesWritesWithoutAnAuthenticatedPrincipal(RecordedLogs output) throws Exception {
		RateLimiter limiter = context.getBean(RateLimiter.class);
		for (int i = 0; i < 6; i++) {
			limiter.tryAcquire("api", "anonymous-target");
		}
		HttpResponse<String> response = ShopRunner.send(context, "DELETE",
				"/actuator/redispatterns/ratelimit/api/anonymous-target");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
		assertThat(limiter.tryAcquire("api", "anonymous-target").isAllowed()).as("nothing was reset").isFalse();
		LockHandle held = context.getBean(LockManager.class).lock("anonymous:lock", LockRequest.waitFor(Duration.ofSeconds(1)));
		try {
			assertThat(ShopRunner.send(context, "DELETE", "/actuator/redispatterns/locks/anonymous:lock").statusCode())
				.isEqualTo(403);
			assertThat(held.isHeld()).isTrue();
		}
		finally {
			held.unlock();
		}
		assertThat(output).doesNotContain("anonymous reset").doesNotContain("anonymous force-released");
	}

	@Test
	void theAuditLineEscapesWhatTheRequestChose(RecordedLogs output) throws Exception {
		HttpResponse<String> response = ShopRunner.send(context, "DELETE",
				"/actuator/redispatterns/ratelimit/api/x%0D%0A2026-01-01%20WARN%20forged", OPERATOR);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(output.toString()).contains("key 'x\\r\\n2026-01-01 WARN forged'")
			.doesNotContain("\n2026-01-01 WARN forged");
	}

	@Test
	void readOperationsStayAvailable() throws Exception {
		HttpResponse<String> response = ShopRunner.send(context, "GET", "/actuator/redispatterns");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(response.body()).path("rateLimits").path("policies").has("api")).isTrue();
		assertThat(ShopRunner.send(context, "DELETE", "/actuator/redispatterns/ratelimit/undefined/x", OPERATOR).statusCode())
			.as("unknown policy").isEqualTo(400);
		assertThat(ShopRunner.send(context, "DELETE", "/actuator/redispatterns/caches/products", OPERATOR).statusCode())
			.as("unknown area").isEqualTo(400);
	}

	private static HttpResponse<String> post(String path, String json) throws Exception {
		int port = ((org.springframework.boot.web.server.context.WebServerApplicationContext) context).getWebServer()
			.getPort();
		return java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
				.header("Content-Type", "application/json")
				.header(OPERATOR[0], OPERATOR[1])
				.POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static AuditEvent auditEvent(String type, Instant after) {
		List<AuditEvent> events = context.getBean(AuditEventRepository.class).find("ops-ann", after, type);
		assertThat(events).hasSize(1);
		return events.get(0);
	}

}
