package dev.redispatterns.reliability;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ACL line of docs/security.md on Redis Cluster: with the cluster commands Lettuce needs to learn the topology
 * ({@link #CLUSTER_COMMANDS}) every feature works as the restricted user on every master.
 */
@RedisTest(topology = Topology.CLUSTER)
class SecurityAclClusterTests {

	/** What Redis Cluster needs on top of {@link SecurityAclTests#COMMANDS}. */
	static final String CLUSTER_COMMANDS = "+cluster|nodes +cluster|info +cluster|myid +client|setname +dump +restore +info";

	private static final String PASSWORD = "app-secret-0123456789";

	private RedisDeployment redis;

	@AfterEach
	void removeUser() {
		this.redis.onEveryMaster("ACL", "DELUSER", "app");
	}

	@Test
	void everyFeatureWorksAsTheRestrictedUserOnEveryMaster(RedisDeployment redis) throws Exception {
		this.redis = redis;
		List<Object> user = new ArrayList<>(List.of("ACL", "SETUSER", "app", "on", ">" + PASSWORD, "resetkeys",
				"~rp:*", "resetchannels", "&rp:*", "&" + NewsRecorder.CHANNEL, "-@all"));
		user.addAll(List.of((Object[]) (SecurityAclTests.COMMANDS + " " + CLUSTER_COMMANDS).split(" ")));
		redis.onEveryMaster(user.toArray());
		redis.onEveryMaster("ACL", "LOG", "RESET");
		List<String> properties = new ArrayList<>(List.of(FeatureTour.PROPERTIES));
		properties.addAll(List.of(redis.springProperties()));
		properties.addAll(List.of("spring.data.redis.username=app", "spring.data.redis.password=" + PASSWORD));
		try (ConfigurableApplicationContext context = ReliabilityApplication.start(properties.toArray(String[]::new))) {
			try {
				new FeatureTour(context, false).run("acl-cluster");
			}
			catch (AssertionError | RuntimeException ex) {
				throw new AssertionError("A feature failed under the ACL user; ACL LOG: "
						+ redis.onEveryMaster("ACL", "LOG", "10"), ex);
			}
			assertThat(redis.onEveryMaster("ACL", "LOG", "10")).as("nothing was denied").containsOnly(List.of());
			assertThatThrownBy(() -> context.getBean(CatalogService.class).clear())
				.as("Redis Cluster has database 0 only: whole-cache clears need +scan and a cluster of one's own")
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("SCAN");
		}
	}

}
