package dev.redispatterns.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A local Redis Sentinel set-up: one master, one replica and three sentinels watching the master as
 * {@value #MASTER_NAME} with a quorum of two. Detection and failover timeouts are short so failover
 * tests stay quick.
 */
public final class RedisSentinelProcesses implements RedisDeployment, AutoCloseable {

	public static final String MASTER_NAME = "mymaster";

	private final RedisServerProcess master;

	private final RedisServerProcess replica;

	private final List<RedisServerProcess> sentinels;

	private RedisSentinelProcesses(RedisServerProcess master, RedisServerProcess replica,
			List<RedisServerProcess> sentinels) {
		this.master = master;
		this.replica = replica;
		this.sentinels = sentinels;
	}

	public static RedisSentinelProcesses start() {
		RedisServerProcess master = RedisServerProcess.start();
		RedisServerProcess replica = null;
		List<RedisServerProcess> sentinels = new ArrayList<>();
		try {
			replica = RedisServerProcess.start("--replicaof", master.host(), Integer.toString(master.port()));
			String config = "sentinel resolve-hostnames no\n" + "sentinel monitor " + MASTER_NAME + " " + master.host()
					+ " " + master.port() + " 2\n" + "sentinel down-after-milliseconds " + MASTER_NAME + " 1000\n"
					+ "sentinel failover-timeout " + MASTER_NAME + " 5000\n" + "sentinel parallel-syncs " + MASTER_NAME
					+ " 1\n";
			for (int i = 0; i < 3; i++) {
				sentinels.add(RedisServerProcess.startWithConfig(config, "--sentinel"));
			}
			RedisSentinelProcesses deployment = new RedisSentinelProcesses(master, replica, sentinels);
			deployment.awaitReady(Duration.ofSeconds(30));
			return deployment;
		}
		catch (RuntimeException ex) {
			master.close();
			if (replica != null) {
				replica.close();
			}
			sentinels.forEach(RedisServerProcess::close);
			throw ex;
		}
	}

	private void awaitReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (replicaLinked() && this.sentinels.stream().allMatch(this::sentinelSeesEveryone)) {
				return;
			}
			RedisServerProcess.sleep(50);
		}
		throw new IllegalStateException("Sentinel set-up not ready in " + timeout);
	}

	private boolean replicaLinked() {
		try {
			return this.replica.command("INFO", "replication").toString().contains("master_link_status:up");
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private boolean sentinelSeesEveryone(RedisServerProcess sentinel) {
		try {
			List<?> master = (List<?>) sentinel.command("SENTINEL", "MASTER", MASTER_NAME);
			int replicas = 0;
			int otherSentinels = 0;
			for (int i = 0; i + 1 < master.size(); i += 2) {
				if ("num-slaves".equals(master.get(i))) {
					replicas = Integer.parseInt(master.get(i + 1).toString());
				}
				if ("num-other-sentinels".equals(master.get(i))) {
					otherSentinels = Integer.parseInt(master.get(i + 1).toString());
				}
			}
			return replicas >= 1 && otherSentinels >= this.sentinels.size() - 1;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** Whether {@code sentinel} knows a replica of the master that is neither down nor disconnected. */
	private boolean sentinelSeesLiveReplica(RedisServerProcess sentinel) {
		try {
			List<?> replicas = (List<?>) sentinel.command("SENTINEL", "REPLICAS", MASTER_NAME);
			return replicas.stream().anyMatch((replica) -> {
				String text = String.valueOf(replica);
				return text.contains("slave") && !text.contains("s_down") && !text.contains("disconnected");
			});
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** Address of the current master as the first reachable sentinel reports it. */
	public String currentMasterAddress() {
		for (RedisServerProcess sentinel : this.sentinels) {
			try {
				List<?> address = (List<?>) sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
				return address.get(0) + ":" + address.get(1);
			}
			catch (RuntimeException ex) {
				// try the next sentinel
			}
		}
		throw new IllegalStateException("No sentinel answered");
	}

	/** The data process that is master now. */
	public RedisServerProcess currentMaster() {
		String address = currentMasterAddress();
		return (address.endsWith(":" + this.master.port())) ? this.master : this.replica;
	}

	/** The data process that is not {@code node}: the replica of a master, the master of a replica. */
	public RedisServerProcess otherDataNode(RedisServerProcess node) {
		return (node == this.master) ? this.replica : this.master;
	}

	/** Whether every sentinel names {@code node} as the master now. */
	public boolean everySentinelNames(RedisServerProcess node) {
		for (RedisServerProcess sentinel : this.sentinels) {
			try {
				List<?> address = (List<?>) sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
				if (!String.valueOf(node.port()).equals(String.valueOf(address.get(1)))) {
					return false;
				}
			}
			catch (RuntimeException ex) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Restores one master with one linked replica that every sentinel knows, after a failover or a killed
	 * node: a killed data node is restarted, and a demoted master that still acts as one is made a replica at
	 * once (Sentinel would do it some seconds later).
	 */
	@Override
	public void awaitHealthy(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			RedisServerProcess current = currentMaster();
			RedisServerProcess other = otherDataNode(current);
			if (!other.isRunning()) {
				other.restart();
			}
			try {
				String role = String.valueOf(other.command("INFO", "replication"));
				if (role.contains("role:master")) {
					other.command("REPLICAOF", current.host(), current.port());
					// as Sentinel does on a demotion: its clients reconnect and find the new master
					other.command("CLIENT", "KILL", "TYPE", "normal");
				}
				else if (role.contains("master_port:" + current.port()) && role.contains("master_link_status:up")
						&& everySentinelNames(current) && this.sentinels.stream().allMatch(this::sentinelSeesLiveReplica)) {
					return;
				}
			}
			catch (RuntimeException ex) {
				// still starting
			}
			RedisServerProcess.sleep(100);
		}
		throw new IllegalStateException("Sentinel set-up not healthy in " + timeout + ": master " + currentMasterAddress());
	}

	public RedisServerProcess initialMaster() {
		return this.master;
	}

	public RedisServerProcess initialReplica() {
		return this.replica;
	}

	public List<RedisServerProcess> sentinels() {
		return List.copyOf(this.sentinels);
	}

	@Override
	public Topology topology() {
		return Topology.SENTINEL;
	}

	@Override
	public List<String> nodes() {
		return List.of(currentMasterAddress());
	}

	@Override
	public String host() {
		return currentMaster().host();
	}

	@Override
	public int port() {
		return currentMaster().port();
	}

	@Override
	public String[] springProperties() {
		List<String> nodes = this.sentinels.stream().map((sentinel) -> sentinel.host() + ":" + sentinel.port()).toList();
		return TestClient.current()
			.withClientType("spring.data.redis.sentinel.master=" + MASTER_NAME,
					"spring.data.redis.sentinel.nodes=" + String.join(",", nodes));
	}

	/**
	 * Flushes the master and waits (up to five seconds) until its connected replicas applied the flush too,
	 * so a class sharing this set-up never reads an earlier class's data from a replica.
	 */
	@Override
	public void flushAll() {
		RedisServerProcess master = currentMaster();
		try (RespClient client = new RespClient(master.host(), master.port())) {
			client.command("FLUSHALL");
			long replicas = connectedReplicas(client.string("INFO", "replication"));
			if (replicas > 0) {
				// WAIT counts the replicas that acknowledged this connection's writes, the FLUSHALL above
				client.command("WAIT", replicas, 5000);
			}
		}
	}

	private static long connectedReplicas(String replicationInfo) {
		for (String line : replicationInfo.split("\r?\n")) {
			if (line.startsWith("connected_slaves:")) {
				return Long.parseLong(line.substring("connected_slaves:".length()).trim());
			}
		}
		return 0;
	}

	@Override
	public List<Object> onEveryMaster(Object... args) {
		return List.of(currentMaster().command(args));
	}

	@Override
	public void close() {
		this.sentinels.forEach(RedisServerProcess::close);
		this.replica.close();
		this.master.close();
	}

	@Override
	public String toString() {
		return "redis sentinel " + MASTER_NAME + " master " + currentMasterAddress();
	}

}
