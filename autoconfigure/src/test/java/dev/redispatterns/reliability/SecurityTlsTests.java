package dev.redispatterns.reliability;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockNotAcquiredException;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.ratelimit.RateLimitOutcome;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.test.RedisTlsServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every feature works over TLS with Spring Boot's own settings ({@code spring.data.redis.ssl.*} and a PEM
 * SSL bundle) against a server that has no plain-text port and requires a client certificate — so every
 * connection the starter opens, dedicated ones included, is encrypted and authenticated. A server whose
 * certificate is not trusted gets nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("redis")
class SecurityTlsTests {

	private RedisTlsServer redis;

	@BeforeAll
	void start() {
		this.redis = RedisTlsServer.start();
	}

	@AfterAll
	void stop() {
		this.redis.close();
	}

	private ConfigurableApplicationContext application(String... connection) {
		String[] properties = new String[FeatureTour.PROPERTIES.length + connection.length];
		System.arraycopy(FeatureTour.PROPERTIES, 0, properties, 0, FeatureTour.PROPERTIES.length);
		System.arraycopy(connection, 0, properties, FeatureTour.PROPERTIES.length, connection.length);
		return ReliabilityApplication.start(properties);
	}

	@Test
	void everyFeatureWorksOverTlsWithAClientCertificate() throws Exception {
		assertThat(this.redis.command("CONFIG", "GET", "port")).as("no plain-text port").isEqualTo(List.of("port", "0"));
		try (ConfigurableApplicationContext context = application(this.redis.springProperties())) {
			new FeatureTour(context).run("tls");
			String clients = (String) this.redis.command("CLIENT", "LIST");
			assertThat(clients.lines().filter((line) -> !line.contains("cmd=client|list")).count())
				.as("connections of the application, all over TLS (there is no other port)")
				.isGreaterThanOrEqualTo(3);
		}
	}

	@Test
	void aServerWhoseCertificateIsNotTrustedGetsNothing() {
		String[] untrusted = this.redis.springProperties(this.redis.strangerCertificate());
		String[] connection = Arrays.copyOf(untrusted, untrusted.length + 1);
		// Spring's pub/sub listener container cannot start without Redis
		connection[untrusted.length] = "reliability.pub-sub=false";
		try (ConfigurableApplicationContext context = application(connection)) {
			RedisConnector connector = context.getBean(RedisConnector.class);
			assertThat(connector.isConnected()).isFalse();
			assertThat(context.getBean(RateLimiter.class).tryAcquire("closed", "u").outcome())
				.isEqualTo(RateLimitOutcome.ERROR_CLOSED);
			assertThatThrownBy(() -> context.getBean(LockManager.class)
				.lock("tls", new LockRequest(Duration.ZERO, Duration.ofSeconds(5), "tls")))
				.isInstanceOfSatisfying(LockNotAcquiredException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(LockNotAcquiredException.Reason.UNAVAILABLE));
		}
	}

}
