package dev.redispatterns.test;

import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;

import dev.redispatterns.test.RedisDeployment.Topology;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Sentinel set-up is shared by the classes of a test JVM and flushed, on the replica too, before each
 * of them; {@code process = true} gives a class its own.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class RedisExtensionSentinelTests {

	static RedisSentinelProcesses firstSeen;

	@Nested
	@Order(1)
	@RedisTest(topology = Topology.SENTINEL)
	class Writer {

		@Test
		void writesThroughTheMasterAndTheReplicaFollows(RedisSentinelProcesses sentinel) throws Exception {
			firstSeen = sentinel;
			sentinel.command("SET", "left-over", "v");
			long deadline = System.nanoTime() + 10_000_000_000L;
			while (!"v".equals(sentinel.initialReplica().command("GET", "left-over")) && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(sentinel.initialReplica().command("GET", "left-over")).isEqualTo("v");
		}

	}

	@Nested
	@Order(2)
	@RedisTest(topology = Topology.SENTINEL)
	class Reader {

		@Test
		void sharedSetUpIsFlushedOnMasterAndReplica(RedisSentinelProcesses sentinel) {
			if (firstSeen != null) {
				assertThat(sentinel).isSameAs(firstSeen);
			}
			assertThat(sentinel.command("DBSIZE")).isEqualTo(0L);
			assertThat(sentinel.initialReplica().command("DBSIZE")).as("the flush reached the replica").isEqualTo(0L);
		}

	}

	@Nested
	@Order(3)
	@RedisTest(topology = Topology.SENTINEL, process = true)
	class Own {

		@Test
		void processGivesTheClassItsOwnSetUp(RedisSentinelProcesses sentinel) {
			assertThat(sentinel).isNotSameAs(firstSeen);
			assertThat(sentinel.currentMasterAddress()).isEqualTo("127.0.0.1:" + sentinel.initialMaster().port());
		}

	}

}
