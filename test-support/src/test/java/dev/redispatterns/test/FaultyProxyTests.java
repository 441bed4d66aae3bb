package dev.redispatterns.test;

import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RedisTest(process = true)
class FaultyProxyTests {

	private final RedisServerProcess redis;

	private FaultyProxy proxy;

	FaultyProxyTests(RedisServerProcess redis) {
		this.redis = redis;
	}

	@BeforeEach
	void start() {
		this.proxy = FaultyProxy.to(this.redis);
	}

	@AfterEach
	void stop() {
		this.proxy.close();
	}

	private RespClient client(int timeoutMillis) {
		return new RespClient(this.proxy.host(), this.proxy.port(), timeoutMillis);
	}

	@Test
	void forwardsCommandsBothWays() {
		try (RespClient client = client(5_000)) {
			client.command("SET", "k", "v");
			assertThat(client.string("GET", "k")).isEqualTo("v");
		}
		assertThat(this.proxy.acceptedConnections()).isEqualTo(1);
	}

	@Test
	void latencyDelaysEveryReply() {
		try (RespClient client = client(5_000)) {
			client.command("PING");
			this.proxy.latency(Duration.ofMillis(300));
			long start = System.nanoTime();
			client.command("PING");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
			this.proxy.heal();
			start = System.nanoTime();
			client.command("PING");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(300));
		}
	}

	@Test
	void cutResetsOpenConnectionsButAcceptsNewOnes() {
		try (RespClient client = client(5_000)) {
			client.command("PING");
			this.proxy.cut();
			assertThatThrownBy(() -> client.command("PING")).isInstanceOf(UncheckedIOException.class);
		}
		try (RespClient client = client(5_000)) {
			assertThat(client.string("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void refusedConnectionsFailUntilHealed() {
		this.proxy.refuse();
		assertThatThrownBy(() -> {
			try (RespClient client = client(2_000)) {
				client.command("PING");
			}
		}).isInstanceOf(UncheckedIOException.class);
		this.proxy.heal();
		try (RespClient client = client(5_000)) {
			assertThat(client.string("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void blackHoleAnswersNothingAndDeliversInOrderWhenHealed() {
		try (RespClient client = client(500)) {
			client.command("SET", "n", "0");
			this.proxy.blackHole();
			assertThatThrownBy(() -> client.command("INCR", "n")).hasRootCauseInstanceOf(SocketTimeoutException.class);
			assertThat(this.redis.command("GET", "n")).as("the command did not reach the server").isEqualTo("0");
			this.proxy.heal();
			assertThat(client.command("INCR", "n")).as("the late reply of the first INCR").isEqualTo(1L);
			assertThat(client.command("INCR", "n")).isEqualTo(2L);
		}
	}

}
