package dev.redispatterns.autoconfigure.observability;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;
import dev.redispatterns.test.RedisDeployment.Topology;

/**
 * The same on Redis Cluster, where Lettuce wraps each command once more to route it (and to follow
 * redirections): the starter's commands are still told apart.
 */
@RedisTest(topology = Topology.CLUSTER)
class StarterCommandObservationsClusterTests extends StarterCommandObservationsTests {

	StarterCommandObservationsClusterTests(RedisDeployment redis) {
		super(redis);
	}

}
