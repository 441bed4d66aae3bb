package dev.redispatterns.session;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.session.events.SessionExpiredEvent;
import org.springframework.test.web.servlet.MockMvc;

import dev.redispatterns.session.SessionEventsContractTests.EventCollector;
import dev.redispatterns.test.RedisClusterProcesses;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session events on a cluster that grows while the application runs: a master that joins later is
 * subscribed and configured as soon as Lettuce sees the new topology, so the expirations of the sessions
 * it holds are published too. Runs on a cluster of its own.
 */
@RedisTest(topology = Topology.CLUSTER, process = true)
class SessionEventsClusterTopologyTests {

	private static final String EXPIRED = "__keyevent@0__:expired";

	@Test
	void aMasterThatJoinsLaterIsSubscribedAndTheExpirationsOfItsSessionsArePublished(RedisClusterProcesses cluster) {
		WebApplicationContextRunner runner = SessionTestApplication.runner(cluster)
			.withBean(EventCollector.class, EventCollector::new)
			.withPropertyValues("redis.patterns.session.timeout=1s", "redis.patterns.session.events.enabled=true",
					"redis.patterns.session.events.configure-keyspace-notifications=true");
		runner.run((context) -> {
			RedisServerProcess newcomer = cluster.addMaster();
			cluster.assignEmptySlots(0, 2999, newcomer);
			MockMvc mvc = SessionTestApplication.mvc(context);
			// the application's next redirect to the newcomer makes Lettuce refresh its topology
			String onNewcomer = null;
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (onNewcomer == null || subscribers(newcomer) == 0) {
				assertThat(System.nanoTime()).as("a subscribed newcomer holding a session").isLessThan(deadline);
				new Browser().post(mvc, "/put", "value", "v");
				if (subscribers(newcomer) > 0) {
					List<?> keys = (List<?>) newcomer.command("KEYS", "rp:session:sessions:expires:*");
					onNewcomer = keys.isEmpty() ? null : keys.get(0).toString();
				}
			}
			assertThat(String.valueOf(newcomer.command("CONFIG", "GET", "notify-keyspace-events"))).contains("E")
				.contains("g")
				.contains("x");
			String storageId = onNewcomer.substring("rp:session:sessions:expires:".length());
			EventCollector events = context.getBean(EventCollector.class);
			waitFor(() -> events.events.stream()
				.anyMatch((event) -> event instanceof SessionExpiredEvent && storageId.equals(event.getSessionId())),
					Duration.ofSeconds(20));
		});
	}

	private static long subscribers(RedisServerProcess node) {
		return (Long) ((List<?>) node.command("PUBSUB", "NUMSUB", EXPIRED)).get(1);
	}

	private static void waitFor(BooleanSupplier condition, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("condition not met within " + timeout).isLessThan(deadline);
			Thread.sleep(50);
		}
	}

}
