package dev.redispatterns.observability.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.data.redis.connection.ClusterInfo;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;

import dev.redispatterns.core.internal.PatternCommands;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisTopology;
import dev.redispatterns.messaging.StreamRetentionWarning;

/**
 * Health of the Redis the starter depends on: ping latency, server version, topology and eviction
 * policy. Server facts come from {@code INFO}, never {@code CONFIG}, which managed Redis services
 * block. A cache on a server whose {@code maxmemory-policy} is {@code noeviction} stays UP but gets a
 * warning: when memory runs out, writes fail instead of old entries being evicted. Streams held beyond their
 * {@code max-length} or {@code max-age} because a consumer group has not acknowledged their oldest entries
 * (as this instance's publisher last saw them) are listed under {@code streamBacklog}; the status stays UP.
 */
public class RedisPatternsHealthIndicator extends AbstractHealthIndicator {

	static final String NOEVICTION_WARNING = "maxmemory-policy is noeviction: when Redis is full, cache writes "
			+ "fail instead of evicting entries; use allkeys-lru, allkeys-lfu or a volatile-* policy";

	private final RedisConnector connector;

	private final boolean cachingEnabled;

	private final Supplier<Map<String, StreamRetentionWarning>> streamWarnings;

	public RedisPatternsHealthIndicator(RedisConnector connector, boolean cachingEnabled) {
		this(connector, cachingEnabled, Map::of);
	}

	public RedisPatternsHealthIndicator(RedisConnector connector, boolean cachingEnabled,
			Supplier<Map<String, StreamRetentionWarning>> streamWarnings) {
		super("Redis Patterns health check failed");
		this.connector = connector;
		this.cachingEnabled = cachingEnabled;
		this.streamWarnings = streamWarnings;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		PatternCommands commands = this.connector.commands();
		long start = System.nanoTime();
		this.connector.await(commands.ping());
		double latencyMillis = (System.nanoTime() - start) / 1_000_000.0;
		builder.up()
			.withDetail("topology", this.connector.topology().id())
			.withDetail("pingLatencyMillis", Math.round(latencyMillis * 1000) / 1000.0);
		List<Map<String, String>> servers = new ArrayList<>();
		if (this.connector.topology() == RedisTopology.CLUSTER) {
			clusterDetails(builder, servers);
		}
		else {
			servers.add(info(commands));
		}
		TreeSet<String> versions = new TreeSet<>();
		TreeSet<String> policies = new TreeSet<>();
		for (Map<String, String> server : servers) {
			addIfPresent(versions, server.get("redis_version"));
			addIfPresent(policies, server.get("maxmemory_policy"));
		}
		builder.withDetail("version", String.join(", ", versions));
		builder.withDetail("maxmemoryPolicy", String.join(", ", policies));
		if (this.cachingEnabled && policies.contains("noeviction")) {
			builder.withDetail("warning", NOEVICTION_WARNING);
		}
		Map<String, StreamRetentionWarning> held = this.streamWarnings.get();
		if (!held.isEmpty()) {
			Map<String, Map<String, Object>> streams = new TreeMap<>();
			held.forEach((stream, warning) -> streams.put(stream, streamDetail(warning)));
			builder.withDetail("streamBacklog", streams);
		}
	}

	private static Map<String, Object> streamDetail(StreamRetentionWarning warning) {
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("length", warning.length());
		detail.put("maxLength", warning.maxLength());
		if (warning.maxAge() != null) {
			detail.put("maxAge", warning.maxAge().toString());
		}
		detail.put("heldBy", warning.group());
		detail.put("neededFrom", warning.neededFrom());
		detail.put("since", warning.since().toString());
		return detail;
	}

	/**
	 * {@code CLUSTER INFO}, the node table and each master's {@code INFO}, through Spring Data's cluster
	 * connection (whichever the client). Collected on a thread of its own so that the check still answers
	 * within the command timeout when a node hangs.
	 */
	private void clusterDetails(Health.Builder builder, List<Map<String, String>> servers) {
		CompletableFuture<ClusterFacts> collected = new CompletableFuture<>();
		this.connector.threads().thread("health", () -> {
			try {
				collected.complete(
						this.connector.execute((connection) -> clusterFacts((RedisClusterConnection) connection)));
			}
			catch (Throwable ex) {
				collected.completeExceptionally(ex);
			}
		}).start();
		ClusterFacts facts = this.connector.await(collected);
		builder.withDetail("clusterState", facts.state());
		builder.withDetail("masters", facts.masters());
		builder.withDetail("nodes", facts.nodes());
		servers.addAll(facts.servers());
	}

	private static ClusterFacts clusterFacts(RedisClusterConnection cluster) {
		ClusterInfo clusterInfo = cluster.clusterGetClusterInfo();
		String state = clusterInfo.getState();
		List<RedisClusterNode> masters = new ArrayList<>();
		int nodes = 0;
		for (RedisClusterNode node : cluster.clusterGetNodes()) {
			nodes++;
			if (node.isMaster()) {
				masters.add(node);
			}
		}
		List<Map<String, String>> servers = new ArrayList<>();
		for (RedisClusterNode node : masters) {
			Map<String, String> values = properties(cluster.serverCommands().info(node, "server"));
			values.putAll(properties(cluster.serverCommands().info(node, "memory")));
			servers.add(values);
		}
		return new ClusterFacts((state != null) ? state : "unknown", masters.size(), nodes, servers);
	}

	private record ClusterFacts(String state, int masters, int nodes, List<Map<String, String>> servers) {

	}

	/** A standalone server's or Sentinel's master's {@code INFO}, both sections sent at once. */
	private Map<String, String> info(PatternCommands commands) {
		CompletableFuture<Map<String, String>> server = commands.info("server");
		CompletableFuture<Map<String, String>> memory = commands.info("memory");
		Map<String, String> values = new LinkedHashMap<>(this.connector.await(server));
		values.putAll(this.connector.await(memory));
		return values;
	}

	private static Map<String, String> properties(@Nullable Properties info) {
		Map<String, String> values = new LinkedHashMap<>();
		if (info != null) {
			info.stringPropertyNames().forEach((name) -> values.put(name, info.getProperty(name)));
		}
		return values;
	}

	private static void addIfPresent(TreeSet<String> set, String value) {
		if (value != null && !value.isEmpty()) {
			set.add(value);
		}
	}

}
