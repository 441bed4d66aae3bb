package dev.redispatterns.lock;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.redispatterns.lock.LockNotAcquiredException.Reason;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RedisTest(topology = Topology.CLUSTER)
class LockManagerClusterTests extends LockManagerContractTests {

	@Test
	void replicaConfirmationsAreAskedOfTheMasterOwningEachLock() {
		assumeConfirmationsAvailable();
		// the test cluster has no replicas: every master answers WAIT with 0, none with a MOVED redirect
		RedisLockManager locks = manager(first, LockSettings.defaults().withReplicaAcks(1, Duration.ofMillis(50)));
		for (int i = 0; i < 12; i++) {
			String name = this.name + ":" + i;
			assertThatThrownBy(() -> locks.lock(name, Duration.ZERO, Duration.ofSeconds(30)))
				.isInstanceOfSatisfying(LockNotAcquiredException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(Reason.REPLICAS));
			Eventually.await("unconfirmed lock released", Duration.ofSeconds(5), () -> !first.exists(lockKey(name)));
		}
	}

}
