package dev.redispatterns.lock;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.redispatterns.lock.LockNotAcquiredException.Reason;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisSentinelProcesses;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract through Sentinel, plus acquisitions confirmed by a replica ({@code WAIT}).
 */
@RedisTest(topology = Topology.SENTINEL)
class LockManagerSentinelTests extends LockManagerContractTests {

	@Test
	void confirmedAcquisitionsAreOnTheReplicaWhenTheyAreGranted(RedisSentinelProcesses sentinel) throws Exception {
		assumeConfirmationsAvailable();
		LockSettings confirmed = LockSettings.defaults().withReplicaAcks(1, Duration.ofSeconds(2));
		RedisLockManager a = manager(first, confirmed);
		RedisLockManager b = manager(second, confirmed);
		RedisLockHandle held = (RedisLockHandle) a.lock(this.name, Duration.ZERO, Duration.ofSeconds(30));
		assertThat(replicaValue(sentinel, lockKey(this.name))).startsWith(held.token + "|" + held.fencingToken());
		assertThat(replicaValue(sentinel, lockKey(this.name) + ":fence")).isEqualTo(Long.toString(held.fencingToken()));

		Future<LockHandle> waiting = java.util.concurrent.Executors.newSingleThreadExecutor()
			.submit(() -> b.lock(this.name, LONG_WAIT, Duration.ofSeconds(30)));
		Eventually.await("waiter queued", Duration.ofSeconds(10), () -> first.zcard(lockKey(this.name) + ":queue") == 1);
		held.unlock();
		RedisLockHandle handed = (RedisLockHandle) waiting.get(10, TimeUnit.SECONDS);
		assertThat(replicaValue(sentinel, lockKey(this.name))).as("hand-over confirmed too")
			.startsWith(handed.token + "|");
		assertThat(handed.unlock()).isTrue();
	}

	@Test
	void tooFewReplicasFailClosedAndTheLockIsReleasedAgain() {
		assumeConfirmationsAvailable();
		RedisLockManager locks = manager(first,
				LockSettings.defaults().withReplicaAcks(2, Duration.ofMillis(200)));
		assertThatThrownBy(() -> locks.lock(this.name, Duration.ZERO, Duration.ofSeconds(30)))
			.isInstanceOfSatisfying(LockNotAcquiredException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.REPLICAS));
		Eventually.await("unconfirmed lock released", Duration.ofSeconds(5), () -> !first.exists(lockKey(this.name)));
	}

	private static String replicaValue(RedisSentinelProcesses sentinel, String key) {
		Object value = sentinel.initialReplica().command("GET", key);
		return (value != null) ? value.toString() : "";
	}

}
