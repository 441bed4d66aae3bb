package dev.redispatterns.session;

import org.junit.jupiter.api.Test;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest(topology = Topology.CLUSTER)
class SessionWebClusterTests extends SessionWebContractTests {

	SessionWebClusterTests(RedisDeployment redis) {
		super(redis);
	}

	@Test
	void keysRenamedAcrossSlotsWhenASessionIdChangesKeepTheirTimeToLive() {
		this.runner.run((context) -> {
			RedisConnector connector = context.getBean(RedisConnector.class);
			ClusterRenameTemplate template = new ClusterRenameTemplate(connector);
			template.setConnectionFactory(connector.connectionFactory());
			template.afterPropertiesSet();
			String from = "rp:session:sessions:from";
			String to = "rp:session:sessions:to";
			assertThat(this.redis.command("CLUSTER", "KEYSLOT", from)).as("different slots")
				.isNotEqualTo(this.redis.command("CLUSTER", "KEYSLOT", to));
			this.redis.command("HSET", from, "lastAccessedTime", "1");
			this.redis.command("PEXPIRE", from, 60_000);
			template.rename(from, to);
			assertThat(this.redis.command("HGET", to, "lastAccessedTime")).isEqualTo("1");
			assertThat((Long) this.redis.command("PTTL", to)).isBetween(50_000L, 60_000L);
			assertThat(this.redis.command("EXISTS", from)).isEqualTo(0L);
			template.rename("rp:session:sessions:gone", to);
			assertThat(this.redis.command("EXISTS", to)).as("renaming a missing key changes nothing").isEqualTo(1L);
		});
	}

}
