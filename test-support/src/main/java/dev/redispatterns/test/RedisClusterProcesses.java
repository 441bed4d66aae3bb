package dev.redispatterns.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A local Redis Cluster built from {@code redis-server} processes: masters share the 16384 slots
 * evenly, each optionally with replicas. Node timeout is short so failover tests stay quick.
 */
public final class RedisClusterProcesses implements RedisDeployment, AutoCloseable {

	private static final int SLOTS = 16384;

	private final List<RedisServerProcess> masters;

	private final List<RedisServerProcess> replicas;

	private RedisClusterProcesses(List<RedisServerProcess> masters, List<RedisServerProcess> replicas) {
		this.masters = masters;
		this.replicas = replicas;
	}

	/** Starts {@code masterCount} masters with {@code replicasPerMaster} replicas each and forms the cluster. */
	public static RedisClusterProcesses start(int masterCount, int replicasPerMaster) {
		List<RedisServerProcess> masters = new ArrayList<>();
		List<RedisServerProcess> replicas = new ArrayList<>();
		try {
			for (int i = 0; i < masterCount; i++) {
				masters.add(startNode());
			}
			for (int i = 0; i < masterCount * replicasPerMaster; i++) {
				replicas.add(startNode());
			}
			RedisClusterProcesses cluster = new RedisClusterProcesses(masters, replicas);
			cluster.form(replicasPerMaster);
			return cluster;
		}
		catch (RuntimeException ex) {
			masters.forEach(RedisServerProcess::close);
			replicas.forEach(RedisServerProcess::close);
			throw ex;
		}
	}

	private static RedisServerProcess startNode() {
		return RedisServerProcess.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
				"--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "no",
				"--cluster-allow-reads-when-down", "no");
	}

	private void form(int replicasPerMaster) {
		int perMaster = SLOTS / this.masters.size();
		for (int i = 0; i < this.masters.size(); i++) {
			int start = i * perMaster;
			int end = (i == this.masters.size() - 1) ? SLOTS - 1 : start + perMaster - 1;
			this.masters.get(i).command("CLUSTER", "ADDSLOTSRANGE", start, end);
		}
		RedisServerProcess first = this.masters.get(0);
		for (RedisServerProcess node : allNodes()) {
			if (node != first) {
				first.command("CLUSTER", "MEET", node.host(), node.port());
			}
		}
		awaitAllNodesKnown();
		for (int i = 0; i < this.replicas.size(); i++) {
			RedisServerProcess master = this.masters.get(i / replicasPerMaster);
			String masterId = master.command("CLUSTER", "MYID").toString();
			this.replicas.get(i).command("CLUSTER", "REPLICATE", masterId);
		}
		awaitHealthy(Duration.ofSeconds(30));
	}

	private void awaitAllNodesKnown() {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		int expected = allNodes().size();
		RedisServerProcess first = this.masters.get(0);
		while (System.nanoTime() < deadline) {
			boolean all = allNodes().stream()
				.allMatch((node) -> clusterNodes(node).stream().filter((line) -> !line.contains("handshake")).count() == expected);
			if (all) {
				return;
			}
			// A handshake that does not finish within the node timeout (a starved machine) is dropped and
			// never retried: meet again every node the first one no longer lists, not even in handshake.
			List<String> known = clusterNodes(first);
			for (RedisServerProcess node : allNodes()) {
				String address = " " + node.host() + ":" + node.port() + "@";
				if (node != first && known.stream().noneMatch((line) -> line.contains(address))) {
					first.command("CLUSTER", "MEET", node.host(), node.port());
				}
			}
			RedisServerProcess.sleep(50);
		}
		throw new IllegalStateException("Cluster nodes did not meet: " + clusterNodes(this.masters.get(0)));
	}

	/**
	 * Waits until every running node reports {@code cluster_state:ok} and agrees on the same number of
	 * masters with slots, for example after a failover.
	 */
	@Override
	public void awaitHealthy(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (isHealthy()) {
				return;
			}
			RedisServerProcess.sleep(50);
		}
		throw new IllegalStateException("Cluster not healthy in " + timeout + ": " + clusterNodes(runningNodes().get(0)));
	}

	private boolean isHealthy() {
		for (RedisServerProcess node : runningNodes()) {
			try {
				if (!node.command("CLUSTER", "INFO").toString().contains("cluster_state:ok")) {
					return false;
				}
				List<String> lines = clusterNodes(node);
				long mastersWithSlots = lines.stream()
					.filter((line) -> line.contains("master") && !line.contains("fail") && line.split(" ").length > 8)
					.count();
				if (mastersWithSlots != this.masters.size()) {
					return false;
				}
				String replication = node.command("INFO", "replication").toString();
				if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
					return false;
				}
			}
			catch (RuntimeException ex) {
				return false;
			}
		}
		return true;
	}

	private static List<String> clusterNodes(RedisServerProcess node) {
		String nodes = node.command("CLUSTER", "NODES").toString();
		List<String> lines = new ArrayList<>();
		for (String line : nodes.split("\n")) {
			if (!line.isBlank()) {
				lines.add(line.trim());
			}
		}
		return lines;
	}

	private List<RedisServerProcess> allNodes() {
		List<RedisServerProcess> all = new ArrayList<>(this.masters);
		all.addAll(this.replicas);
		return all;
	}

	private List<RedisServerProcess> runningNodes() {
		return allNodes().stream().filter(RedisServerProcess::isRunning).toList();
	}

	/**
	 * Starts one more master, without slots, and joins it to the cluster; give it slots with
	 * {@link #assignEmptySlots}.
	 */
	public RedisServerProcess addMaster() {
		RedisServerProcess node = startNode();
		this.masters.add(node);
		this.masters.get(0).command("CLUSTER", "MEET", node.host(), node.port());
		awaitAllNodesKnown();
		return node;
	}

	/**
	 * Moves the slots {@code from} to {@code to} (inclusive), which must hold no keys, to {@code target}, as a
	 * resharding does (importing on the target, then the new owner announced to every node), and waits
	 * until the cluster is healthy again.
	 */
	public void assignEmptySlots(int from, int to, RedisServerProcess target) {
		String targetId = target.command("CLUSTER", "MYID").toString();
		List<RespClient> clients = new ArrayList<>();
		try {
			RespClient own = new RespClient(target.host(), target.port());
			clients.add(own);
			List<RespClient> others = new ArrayList<>();
			for (RedisServerProcess node : runningNodes()) {
				if (node != target) {
					RespClient client = new RespClient(node.host(), node.port());
					clients.add(client);
					others.add(client);
				}
			}
			List<?> ranges = (List<?>) own.command("CLUSTER", "SLOTS");
			for (int slot = from; slot <= to; slot++) {
				String owner = ownerId(ranges, slot);
				own.command("CLUSTER", "SETSLOT", slot, "IMPORTING", owner);
				// assigning an importing slot to itself makes the target bump its config epoch
				own.command("CLUSTER", "SETSLOT", slot, "NODE", targetId);
				for (RespClient other : others) {
					other.command("CLUSTER", "SETSLOT", slot, "NODE", targetId);
				}
			}
		}
		finally {
			clients.forEach(RespClient::close);
		}
		awaitHealthy(Duration.ofSeconds(30));
	}

	private static String ownerId(List<?> ranges, int slot) {
		for (Object range : ranges) {
			List<?> entry = (List<?>) range;
			if (((Long) entry.get(0)) <= slot && slot <= ((Long) entry.get(1))) {
				return ((List<?>) entry.get(2)).get(2).toString();
			}
		}
		throw new IllegalStateException("No owner of slot " + slot);
	}

	/** The processes started as masters (after a failover one of them may have become a replica). */
	public List<RedisServerProcess> masterProcesses() {
		return Collections.unmodifiableList(this.masters);
	}

	/** The processes started as replicas. */
	public List<RedisServerProcess> replicaProcesses() {
		return Collections.unmodifiableList(this.replicas);
	}

	/** The running processes that are masters now, as the cluster reports it. */
	public List<RedisServerProcess> currentMasters() {
		return runningNodes().stream().filter((node) -> {
			try {
				return node.command("ROLE") instanceof List<?> role && "master".equals(role.get(0));
			}
			catch (RuntimeException ex) {
				return false;
			}
		}).toList();
	}

	@Override
	public Topology topology() {
		return Topology.CLUSTER;
	}

	@Override
	public List<String> nodes() {
		return this.masters.stream().map((node) -> node.host() + ":" + node.port()).toList();
	}

	@Override
	public String host() {
		return this.masters.get(0).host();
	}

	@Override
	public int port() {
		return this.masters.get(0).port();
	}

	/**
	 * Only the seed nodes: topology refresh is left to the application's defaults (the starter switches
	 * Lettuce's adaptive refresh on), which is what the cluster tests are meant to exercise.
	 */
	@Override
	public String[] springProperties() {
		return TestClient.current().withClientType("spring.data.redis.cluster.nodes=" + String.join(",", nodes()));
	}

	/**
	 * Runs a command on the first master and follows {@code MOVED} redirects, so keyed commands reach the
	 * node that owns the key's slot.
	 */
	@Override
	public Object command(Object... args) {
		String host = host();
		int port = port();
		for (int redirects = 0;; redirects++) {
			try {
				return RespClient.call(host, port, args);
			}
			catch (RespClient.RedisErrorReply ex) {
				String message = String.valueOf(ex.getMessage());
				if (!message.startsWith("MOVED ") || redirects >= 5) {
					throw ex;
				}
				String address = message.split(" ")[2];
				int colon = address.lastIndexOf(':');
				host = address.substring(0, colon);
				port = Integer.parseInt(address.substring(colon + 1));
			}
		}
	}

	@Override
	public void flushAll() {
		onEveryMaster("FLUSHALL");
	}

	/**
	 * Runs a command on every current master. Fails when no node answers as a master: callers that sum
	 * per-node figures (command counts) would otherwise read zeros and report a wrong count.
	 */
	@Override
	public List<Object> onEveryMaster(Object... args) {
		List<RedisServerProcess> masters = currentMasters();
		if (masters.isEmpty()) {
			throw new IllegalStateException("No running node of " + this + " answered ROLE as a master");
		}
		List<Object> replies = new ArrayList<>();
		for (RedisServerProcess master : masters) {
			replies.add(master.command(args));
		}
		return replies;
	}

	@Override
	public void close() {
		allNodes().forEach(RedisServerProcess::close);
	}

	@Override
	public String toString() {
		return "redis cluster " + nodes();
	}

}
