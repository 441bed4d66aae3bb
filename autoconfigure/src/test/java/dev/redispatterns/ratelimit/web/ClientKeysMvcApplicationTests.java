package dev.redispatterns.ratelimit.web;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys a client cannot use against others, over HTTP behind a trusted proxy (loopback here): IPv6
 * addresses count per /64 network, attacker-chosen header and path-variable keys are counted per client
 * address unless a rule opts out, and {@code HEAD} is limited as {@code GET}.
 */
@RedisTest(process = true)
class ClientKeysMvcApplicationTests {

	static RedisServerProcess redis;

	static ConfigurableApplicationContext context;

	static HttpProbe http;

	@BeforeAll
	static void start(RedisServerProcess server) {
		redis = server;
		context = start("redis.patterns.rate-limit.web.trusted-proxies=127.0.0.1,::1",
				"redis.patterns.rate-limit.web.filter.rules.keyed.patterns=/filtered/**",
				"redis.patterns.rate-limit.web.filter.rules.keyed.policy=filtered",
				"redis.patterns.rate-limit.web.filter.rules.keyed.key=header:X-Tenant",
				"redis.patterns.rate-limit.web.filter.rules.reads.patterns=/methods/**",
				"redis.patterns.rate-limit.web.filter.rules.reads.methods=GET",
				"redis.patterns.rate-limit.web.filter.rules.reads.policy=per-ip",
				"redis.patterns.rate-limit.web.filter.rules.shared.patterns=/shared/{tenant}/**",
				"redis.patterns.rate-limit.web.filter.rules.shared.policy=filtered",
				"redis.patterns.rate-limit.web.filter.rules.shared.key=path-variable:tenant",
				"redis.patterns.rate-limit.web.filter.rules.shared.per-client=false");
		http = new HttpProbe(((WebServerApplicationContext) context).getWebServer().getPort());
	}

	static ConfigurableApplicationContext start(String... extra) {
		SpringApplication application = new SpringApplication(RateLimitMvcApplicationTests.MvcApplication.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		String[] args = Stream
			.of(Arrays.stream(redis.springProperties()), Arrays.stream(RateLimitWebContract.POLICIES), Arrays.stream(extra))
			.flatMap((properties) -> properties)
			.map((property) -> "--" + property)
			.toArray(String[]::new);
		return application.run(args);
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void ipv6AddressesOfOneSlash64ShareABucket() {
		assertThat(http.get("/ip", "X-Forwarded-For", "2001:db8:1:2::1").statusCode()).isEqualTo(200);
		assertThat(http.get("/ip", "X-Forwarded-For", "2001:db8:1:2:ffff::7").statusCode()).isEqualTo(200);
		assertThat(http.get("/ip", "X-Forwarded-For", "[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:443").statusCode())
			.as("a third address of the same /64").isEqualTo(429);
		assertThat(http.get("/ip", "X-Forwarded-For", "2001:db8:1:3::1").statusCode()).as("another /64")
			.isEqualTo(200);
		assertThat(http.get("/ip", "X-Forwarded-For", "203.0.113.1").statusCode()).isEqualTo(200);
		assertThat(http.get("/ip", "X-Forwarded-For", "203.0.113.2").statusCode()).as("IPv4 stays per address")
			.isEqualTo(200);
	}

	@Test
	void urlRulesKeyedByClientAddressMaskIpv6Too() {
		assertThat(http.get("/methods/x", "X-Forwarded-For", "2001:db8:9:9::3").statusCode()).isEqualTo(200);
		assertThat(http.get("/methods/x", "X-Forwarded-For", "2001:db8:9:9::4").statusCode()).isEqualTo(200);
		assertThat(http.get("/methods/x", "X-Forwarded-For", "2001:db8:9:9::5").statusCode()).isEqualTo(429);
	}

	@Test
	void anotherClientCannotSpendATenantsBudget() {
		String[] attacker = { "X-Forwarded-For", "203.0.113.66", "X-Tenant", "acme" };
		String[] victim = { "X-Forwarded-For", "198.51.100.4", "X-Tenant", "acme" };
		assertThat(http.get("/tenants/acme/1", attacker).statusCode()).isEqualTo(200);
		assertThat(http.get("/tenants/acme/2", attacker).statusCode()).isEqualTo(200);
		assertThat(http.get("/tenants/acme/3", attacker).statusCode()).isEqualTo(429);
		assertThat(http.get("/tenants/acme/1", victim).statusCode()).as("the tenant's own client").isEqualTo(200);
		String[] other = { "X-Forwarded-For", "203.0.113.67", "X-Tenant", "acme" };
		assertThat(http.get("/filtered/1", other).statusCode()).isEqualTo(200);
		assertThat(http.get("/filtered/2", other).statusCode()).isEqualTo(200);
		assertThat(http.get("/filtered/3", other).statusCode()).isEqualTo(429);
		assertThat(http.get("/filtered/4", victim).statusCode()).as("header keys count per client too").isEqualTo(200);
	}

	@Test
	void aRuleThatOptsOutSharesOneBucketPerValue() {
		assertThat(http.get("/shared/acme/1", "X-Forwarded-For", "203.0.113.66").statusCode()).isNotEqualTo(429);
		assertThat(http.get("/shared/acme/2", "X-Forwarded-For", "198.51.100.4").statusCode()).isNotEqualTo(429);
		assertThat(http.get("/shared/acme/3", "X-Forwarded-For", "192.0.2.1").statusCode()).isEqualTo(429);
	}

	@Test
	void headIsLimitedAsGet() {
		assertThat(http.get("/methods/h").statusCode()).isEqualTo(200);
		assertThat(http.head("/methods/h").statusCode()).isEqualTo(200);
		assertThat(http.head("/methods/h").statusCode()).as("HEAD counts as GET").isEqualTo(429);
		assertThat(http.get("/methods/h").statusCode()).isEqualTo(429);
	}

}
