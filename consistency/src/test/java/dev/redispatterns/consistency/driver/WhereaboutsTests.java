package dev.redispatterns.consistency.driver;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.redispatterns.test.RedisClusterProcesses;
import dev.redispatterns.test.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("redis")
class WhereaboutsTests {

	@Test
	void aMissingMessageIsFoundInTheKeyThatHoldsIt() {
		try (RedisServerProcess redis = RedisServerProcess.start()) {
			redis.command("LPUSH", "rp:msg:{queue:jobs}:processing:app1", "q1|0|id-7|\"q7:flaky\"");
			redis.command("ZADD", "rp:msg:{queue:jobs}:delayed", "1", "q1|1|id-8|\"q8\"");
			redis.command("XADD", "rp:msg:{stream:events}", "*", "payload", "\"s9\"");
			List<String> lines = Whereabouts.of(List.of(redis), List.of("q7:flaky", "q8", "s9", "q10"));
			String node = redis.host() + ":" + redis.port() + " (master)";
			assertThat(lines).containsExactly("q7:flaky: rp:msg:{queue:jobs}:processing:app1 on " + node,
					"q8: rp:msg:{queue:jobs}:delayed on " + node, "s9: rp:msg:{stream:events} on " + node,
					"q10: in no messaging key readable on any node");
		}
	}

	@Test
	void aKeyLeftOnANodeThatDoesNotServeItsSlotIsListed() {
		try (RedisClusterProcesses cluster = RedisClusterProcesses.start(3, 0)) {
			String key = "rp:msg:{queue:jobs}:ready";
			long slot = (Long) cluster.command("CLUSTER", "KEYSLOT", key);
			List<RedisServerProcess> masters = cluster.currentMasters();
			RedisServerProcess owner = masters.stream().filter((master) -> serves(master, key)).findFirst().orElseThrow();
			RedisServerProcess other = masters.get((masters.indexOf(owner) + 1) % masters.size());
			// a migration abandoned after a write reached the importing node
			other.command("CLUSTER", "SETSLOT", slot, "IMPORTING", owner.command("CLUSTER", "MYID"));
			try (var client = new dev.redispatterns.test.RespClient(other.host(), other.port())) {
				client.command("ASKING");
				client.command("LPUSH", key, "q1|0|id-3|\"q3\"");
			}
			other.command("CLUSTER", "SETSLOT", slot, "STABLE");
			List<String> lines = Whereabouts.of(masters, List.of("q3"));
			assertThat(lines).hasSize(2);
			assertThat(lines.get(0)).isEqualTo("q3: in no messaging key readable on any node");
			assertThat(lines.get(1)).startsWith("key " + key + " on " + other.host() + ":" + other.port()
					+ " (master) is not served there: MOVED " + slot);
		}
	}

	private static boolean serves(RedisServerProcess node, String key) {
		try {
			node.command("EXISTS", key);
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
