package dev.redispatterns.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.test.RedisClusterProcesses;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RespClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis Cluster failovers under continuous load: a cluster of its own (three masters with one replica
 * each) and one application using every pattern with the starter's own topology-refresh settings (only
 * {@code spring.data.redis.cluster.nodes} is set). The failed master is the one holding keys of the most
 * patterns; first its replica takes over with {@code CLUSTER FAILOVER}, then the busiest master (again) is killed
 * ({@code kill -9}) and the cluster promotes its replica. Writes the Cluster section of
 * {@code target/reliability/failover.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("redis")
class ClusterFailoverTests {

	private static final Map<String, String> AREAS = areas();

	private final FailoverReport.Table table = new FailoverReport.Table();

	private RedisClusterProcesses cluster;

	private ConfigurableApplicationContext context;

	private int runs;

	private static Map<String, String> areas() {
		Map<String, String> areas = new LinkedHashMap<>();
		areas.put(":cache:", "cache");
		areas.put(":rl:", "rate limit");
		areas.put(":lock:", "lock");
		areas.put(":msg:", "stream");
		areas.put(":session", "session");
		return areas;
	}

	@BeforeAll
	void start() {
		this.cluster = RedisClusterProcesses.start(3, 1);
		try {
			this.context = ReliabilityApplication.start(
					"spring.data.redis.cluster.nodes=" + String.join(",", this.cluster.nodes()),
					"spring.data.redis.client-name=" + SentinelFailoverTests.CLIENT_NAME);
		}
		catch (RuntimeException ex) {
			this.cluster.close();
			throw ex;
		}
	}

	@AfterAll
	void stop() {
		try {
			FailoverReport.write(2, this.table.markdown("Redis Cluster", settings()));
		}
		finally {
			if (this.context != null) {
				this.context.close();
			}
			this.cluster.close();
		}
	}

	private static String settings() {
		return "Three masters with one replica each (`cluster-node-timeout 2000`); the application as in the fault "
				+ "suite, with the starter's cluster defaults (adaptive topology refresh, periodic refresh "
				+ "`redis.patterns.cluster.periodic-refresh=30s`). Keys of one pattern live on one master (stream, "
				+ "lock, rate-limit keys) or on all (cache entries, sessions): the failed master is the one holding "
				+ "keys of the most patterns, and a pattern without keys there is not interrupted. Times are "
				+ "measured from the moment the failover was started; the loads run until the cluster is healthy "
				+ "again (`cluster_state:ok`, the replica promoted), then 2 s longer.";
	}

	@Test
	@Order(1)
	void clusterFailoverOnTheReplica() throws Exception {
		this.cluster.awaitHealthy(Duration.ofSeconds(30));
		run("CLUSTER FAILOVER", "`CLUSTER FAILOVER` on the replica: master and replica swap roles, coordinated "
				+ "(no write is lost)", (shard) -> shard.replica().command("CLUSTER", "FAILOVER"), (shard) -> {
					String old = String.valueOf(shard.master().command("INFO", "replication"));
					return isMaster(shard.replica()) && old.contains("role:slave")
							&& old.contains("master_link_status:up") && everyNodeOk();
				});
	}

	@Test
	@Order(2)
	void masterKilled() throws Exception {
		this.cluster.awaitHealthy(Duration.ofSeconds(30));
		run("master killed", "`kill -9` of a master; its replica is elected after `cluster-node-timeout`",
				(shard) -> shard.master().kill(), (shard) -> isMaster(shard.replica()) && everyNodeOk());
	}

	private void run(String scenario, String how, java.util.function.Consumer<Shard> inject,
			java.util.function.Predicate<Shard> settled) throws Exception {
		String run = "cluster" + (++this.runs);
		List<PatternLoad> loads = List.of(new PatternLoad.Cache(this.context, ReliabilityApplication.COMMAND_TIMEOUT),
				new PatternLoad.RateLimit(this.context, ReliabilityApplication.COMMAND_TIMEOUT),
				new PatternLoad.Lock(this.context, ReliabilityApplication.COMMAND_TIMEOUT).duringFailover(),
				new PatternLoad.Stream(this.context, ReliabilityApplication.COMMAND_TIMEOUT, run),
				new PatternLoad.Sessions(this.context, ReliabilityApplication.REDIS_TIMEOUT));
		FailoverRun failover = new FailoverRun(scenario, loads);
		AtomicReference<Shard> target = new AtomicReference<>();
		failover.run(() -> {
			Shard shard = busiestShard();
			awaitReplicated(shard.master());
			target.set(shard);
		}, () -> inject.accept(target.get()), () -> settled.test(target.get()));
		this.table.scenario(scenario, how);
		failover.report(this.table);
		this.table.note(scenario + ": the failed master held keys of " + String.join(", ", target.get().patterns())
				+ "; the cluster was healthy again after " + Observations.seconds(failover.settledAfter()) + ".");
		failover.verify();
	}

	/** A master, its replica and the patterns whose keys it holds. */
	private record Shard(RedisServerProcess master, RedisServerProcess replica, List<String> patterns) {

	}

	/** The running master with a replica that holds keys of the most patterns. */
	private Shard busiestShard() {
		Shard best = null;
		for (RedisServerProcess master : this.cluster.currentMasters()) {
			RedisServerProcess replica = replicaOf(master);
			if (replica == null) {
				continue;
			}
			String keys = String.valueOf(master.command("KEYS", "*"));
			List<String> patterns = new ArrayList<>();
			AREAS.forEach((area, pattern) -> {
				if (keys.contains(area) && !patterns.contains(pattern)) {
					patterns.add(pattern);
				}
			});
			if (best == null || patterns.size() > best.patterns().size()) {
				best = new Shard(master, replica, patterns);
			}
		}
		assertThat(best).as("a master with a replica").isNotNull();
		return best;
	}

	private RedisServerProcess replicaOf(RedisServerProcess master) {
		List<RedisServerProcess> all = new ArrayList<>(this.cluster.masterProcesses());
		all.addAll(this.cluster.replicaProcesses());
		for (RedisServerProcess node : all) {
			if (node != master && node.isRunning()) {
				String info = String.valueOf(node.command("INFO", "replication"));
				if (info.contains("role:slave") && info.contains("master_port:" + master.port() + "\r")) {
					return node;
				}
			}
		}
		return null;
	}

	private static boolean isMaster(RedisServerProcess node) {
		try {
			return node.command("ROLE") instanceof List<?> role && "master".equals(role.get(0));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private boolean everyNodeOk() {
		List<RedisServerProcess> all = new ArrayList<>(this.cluster.masterProcesses());
		all.addAll(this.cluster.replicaProcesses());
		for (RedisServerProcess node : all) {
			if (node.isRunning()) {
				try {
					if (!String.valueOf(node.command("CLUSTER", "INFO")).contains("cluster_state:ok")) {
						return false;
					}
				}
				catch (RuntimeException ex) {
					return false;
				}
			}
		}
		return true;
	}

	/** Waits until the master's writes so far reached its replica (WAIT after a write to one of its slots). */
	private static void awaitReplicated(RedisServerProcess master) {
		String nodes = String.valueOf(master.command("CLUSTER", "NODES"));
		String myself = nodes.lines().filter((line) -> line.contains("myself")).findFirst().orElseThrow();
		String[] fields = myself.trim().split(" ");
		String[] range = fields[8].split("-");
		int low = Integer.parseInt(range[0]);
		int high = Integer.parseInt(range[range.length - 1]);
		String key = null;
		for (int i = 0; key == null; i++) {
			int slot = SlotHash.getSlot("failover-marker-" + i);
			if (slot >= low && slot <= high) {
				key = "failover-marker-" + i;
			}
		}
		try (RespClient client = new RespClient(master.host(), master.port(), 5000)) {
			client.command("SET", key, "1");
			assertThat(client.command("WAIT", 1, 3000)).as("replica in sync before the failover").isEqualTo(1L);
		}
	}

}
