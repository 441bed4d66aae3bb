package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.core.internal.SentinelFailoverFollower;
import dev.redispatterns.test.RecordedLogs;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisSentinelProcesses;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code redis.patterns.sentinel.resubscribe-interval} and {@code redis.patterns.sentinel.follow-failover=false}
 * against a Sentinel set-up of the class's own (a sentinel is stopped, the master failed over).
 */
@RedisTest(topology = Topology.SENTINEL, process = true)
@ExtendWith(RecordedLogs.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SentinelFailoverFollowerTests {

	private static final String CLIENT_NAME = "follower-test";

	private final RedisSentinelProcesses sentinel;

	private final ApplicationContextRunner runner;

	SentinelFailoverFollowerTests(RedisSentinelProcesses sentinel) {
		this.sentinel = sentinel;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisPatternsAutoConfiguration.class))
			.withPropertyValues(sentinel.springProperties())
			.withPropertyValues("spring.data.redis.client-name=" + CLIENT_NAME);
	}

	@Test
	@Order(1)
	void aSentinelThatCannotBeReachedIsRetriedEveryResubscribeIntervalAndSubscribedOnceBack(RecordedLogs logs) {
		this.sentinel.awaitHealthy(Duration.ofSeconds(40));
		RedisServerProcess down = this.sentinel.sentinels().get(2);
		String refused = "Cannot subscribe to +switch-master on sentinel " + down.host() + ":" + down.port();
		down.stop();
		try {
			this.runner.withPropertyValues("redis.patterns.sentinel.resubscribe-interval=1s").run((context) -> {
				SentinelFailoverFollower follower = context.getBean(SentinelFailoverFollower.class);
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
					.until(() -> count(logs, refused) >= 1);
				long first = System.nanoTime();
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
					.until(() -> count(logs, refused) >= 3);
				Duration twoRetries = Duration.ofNanos(System.nanoTime() - first);
				// retries 1 s apart, not the 5 s default: load only stretches the gaps, and the upper bound has room
				assertThat(twoRetries).isGreaterThanOrEqualTo(Duration.ofMillis(1500))
					.isLessThan(Duration.ofSeconds(8));
				assertThat(follower.isSubscribedToAll()).isFalse();
				down.restart();
				await().atMost(Duration.ofSeconds(30)).until(follower::isSubscribedToAll);
			});
		}
		finally {
			if (!down.isRunning()) {
				down.restart();
			}
		}
	}

	@Test
	@Order(2)
	void withoutFollowFailoverTheApplicationKeepsWritingToTheDemotedMaster() {
		this.sentinel.awaitHealthy(Duration.ofSeconds(40));
		RedisServerProcess oldMaster = this.sentinel.currentMaster();
		RedisServerProcess newMaster = this.sentinel.otherDataNode(oldMaster);
		List<RedisServerProcess> sentinels = this.sentinel.sentinels();
		this.runner.withPropertyValues("redis.patterns.sentinel.follow-failover=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SentinelFailoverFollower.class);
			RedisConnector connector = context.getBean(RedisConnector.class);
			set(connector, "before-failover");
			assertThat(oldMaster.command("EXISTS", "before-failover")).isEqualTo(1L);
			sentinels.get(0).command("SENTINEL", "FAILOVER", RedisSentinelProcesses.MASTER_NAME);
			await().atMost(Duration.ofSeconds(30)).until(() -> this.sentinel.everySentinelNames(newMaster));
			// frozen sentinels cannot demote the old master: what follows does not race Sentinel's clean-up
			sentinels.forEach(RedisServerProcess::pause);
			try {
				assertThat(String.valueOf(oldMaster.command("INFO", "replication"))).as("old master not demoted yet")
					.contains("role:master");
				set(connector, "after-failover");
				assertThat(oldMaster.command("EXISTS", "after-failover")).as("written to the old master")
					.isEqualTo(1L);
				assertThat(newMaster.command("EXISTS", "after-failover")).as("never reaches the new one")
					.isEqualTo(0L);
				assertThat(applicationConnections(newMaster)).as("no connection moved").isZero();
				assertThat(applicationConnections(oldMaster)).isPositive();
			}
			finally {
				sentinels.forEach(RedisServerProcess::resume);
			}
		});
		this.sentinel.awaitHealthy(Duration.ofSeconds(40));
	}

	private static void set(RedisConnector connector, String key) {
		byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
		Boolean stored = connector.execute((c) -> c.stringCommands().set(bytes, bytes));
		assertThat(stored).isTrue();
	}

	private static long count(RecordedLogs logs, String text) {
		return logs.lines().stream().filter((line) -> line.contains(text)).count();
	}

	private static long applicationConnections(RedisServerProcess node) {
		return String.valueOf(node.command("CLIENT", "LIST"))
			.lines()
			.filter((line) -> line.contains(" name=" + CLIENT_NAME + " "))
			.count();
	}

}
