package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.stream.StreamInfo;
import org.springframework.data.redis.connection.zset.Tuple;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.types.Expiration;

import dev.redispatterns.core.internal.PatternCommands;

/**
 * {@link PatternCommands} through Spring Data Redis, on any {@link RedisConnectionFactory}: Jedis,
 * Lettuce, and factories that wrap or decorate one. Each command runs on the calling thread on a
 * connection taken from the factory (from its pool, with Jedis) and given back at once; the returned
 * future is already complete. How long a command may take is the client's own timeout
 * ({@code spring.data.redis.timeout}).
 */
final class PortableCommands implements PatternCommands {

	/** How often, while Redis is unreachable, {@link #isConnected()} tries again with a {@code PING}. */
	private static final long PROBE_INTERVAL_NANOS = Duration.ofMillis(250).toNanos();

	private final RedisConnectionFactory connectionFactory;

	/** When the last command failed for want of a connection; 0 while commands succeed. */
	private volatile long downSince;

	private volatile long lastProbe;

	PortableCommands(RedisConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/** Runs {@code action} on a connection of its own and completes the future with its result or failure. */
	<T> CompletableFuture<T> run(Function<RedisConnection, @Nullable T> action) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			T result = action.apply(connection);
			this.downSince = 0;
			return CompletableFuture.completedFuture(result);
		}
		catch (RuntimeException ex) {
			if (RedisConnector.isUnavailable(ex)) {
				this.downSince = System.nanoTime();
			}
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * {@code false} after a command failed for want of a connection, until a command succeeds again; a
	 * {@code PING} tries at most every 250 ms, so callers that check first find out when Redis is back.
	 */
	@Override
	public boolean isConnected() {
		if (this.downSince == 0) {
			return true;
		}
		long now = System.nanoTime();
		if (now - this.lastProbe < PROBE_INTERVAL_NANOS) {
			return false;
		}
		this.lastProbe = now;
		return !run(RedisConnection::ping).isCompletedExceptionally();
	}

	@Override
	public <T> CompletableFuture<T> evalsha(String sha1, ReturnType type, byte[][] keys, byte[]... args) {
		return run((connection) -> connection.scriptingCommands().evalSha(sha1, type, keys.length, concat(keys, args)));
	}

	@Override
	public <T> CompletableFuture<T> eval(byte[] script, ReturnType type, byte[][] keys, byte[]... args) {
		return run((connection) -> connection.scriptingCommands().eval(script, type, keys.length, concat(keys, args)));
	}

	private static byte[][] concat(byte[][] keys, byte[][] args) {
		byte[][] all = new byte[keys.length + args.length][];
		System.arraycopy(keys, 0, all, 0, keys.length);
		System.arraycopy(args, 0, all, keys.length, args.length);
		return all;
	}

	@Override
	public CompletableFuture<byte @Nullable []> get(byte[] key) {
		return run((connection) -> connection.stringCommands().get(key));
	}

	@Override
	public CompletableFuture<Long> del(byte[]... keys) {
		return run((connection) -> connection.keyCommands().del(keys));
	}

	@Override
	public CompletableFuture<Long> unlink(byte[]... keys) {
		return run((connection) -> connection.keyCommands().unlink(keys));
	}

	@Override
	public CompletableFuture<Long> pttl(byte[] key) {
		return run((connection) -> connection.keyCommands().pTtl(key));
	}

	@Override
	public CompletableFuture<Long> publish(byte[] channel, byte[] message) {
		return run((connection) -> connection.publish(channel, message));
	}

	@Override
	public KeyScan scan(String pattern, int count) {
		return new PortableScan(pattern, count);
	}

	@Override
	public CompletableFuture<byte @Nullable []> hget(byte[] key, byte[] field) {
		return run((connection) -> connection.hashCommands().hGet(key, field));
	}

	@Override
	public CompletableFuture<Long> scard(byte[] key) {
		return run((connection) -> connection.setCommands().sCard(key));
	}

	@Override
	public CompletableFuture<Long> srem(byte[] key, byte[]... members) {
		return run((connection) -> connection.setCommands().sRem(key, members));
	}

	@Override
	public CompletableFuture<Long> zcard(byte[] key) {
		return run((connection) -> connection.zSetCommands().zCard(key));
	}

	@Override
	public CompletableFuture<Long> zrem(byte[] key, byte[]... members) {
		return run((connection) -> connection.zSetCommands().zRem(key, members));
	}

	@Override
	public CompletableFuture<@Nullable Double> zscore(byte[] key, byte[] member) {
		return run((connection) -> connection.zSetCommands().zScore(key, member));
	}

	@Override
	public CompletableFuture<List<byte[]>> zrange(byte[] key, long start, long stop) {
		return run((connection) -> {
			var members = connection.zSetCommands().zRange(key, start, stop);
			return (members != null) ? new ArrayList<>(members) : List.of();
		});
	}

	@Override
	public CompletableFuture<List<ScoredMember>> zrangeWithScores(byte[] key, long start, long stop) {
		return run((connection) -> {
			var tuples = connection.zSetCommands().zRangeWithScores(key, start, stop);
			List<ScoredMember> members = new ArrayList<>();
			if (tuples != null) {
				for (Tuple tuple : tuples) {
					members.add(new ScoredMember(tuple.getValue(), tuple.getScore()));
				}
			}
			return members;
		});
	}

	@Override
	public CompletableFuture<Long> llen(byte[] key) {
		return run((connection) -> connection.listCommands().lLen(key));
	}

	@Override
	public CompletableFuture<List<byte[]>> lrange(byte[] key, long start, long stop) {
		return run((connection) -> {
			List<byte[]> values = connection.listCommands().lRange(key, start, stop);
			return (values != null) ? values : List.of();
		});
	}

	@Override
	public CompletableFuture<Long> lrem(byte[] key, long count, byte[] value) {
		return run((connection) -> connection.listCommands().lRem(key, count, value));
	}

	@Override
	public CompletableFuture<Long> pfcount(byte[]... keys) {
		return run((connection) -> connection.hyperLogLogCommands().pfCount(keys));
	}

	@Override
	public CompletableFuture<Long> xlen(byte[] key) {
		return run((connection) -> connection.streamCommands().xLen(key));
	}

	// cache and structures (added as needed)

	// rate limits and locks (added as needed)

	// messaging (added as needed)

	@Override
	public CompletableFuture<Boolean> setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
		return run((connection) -> Boolean.TRUE.equals(connection.stringCommands()
			.set(key, value, Expiration.milliseconds(ttlMillis), RedisStringCommands.SetOption.SET_IF_ABSENT)));
	}

	/** Spring Data has no {@code SPUBLISH}: sent as a raw command, routed by the channel on Redis Cluster. */
	@Override
	public CompletableFuture<Long> spublish(byte[] channel, byte[] message) {
		return run((connection) -> {
			Object receivers = (connection instanceof RedisClusterConnection cluster)
					? cluster.execute("SPUBLISH", channel, List.of(message))
					: connection.execute("SPUBLISH", channel, message);
			return (receivers instanceof Number number) ? number.longValue() : 0L;
		});
	}

	@Override
	public CompletableFuture<Long> xack(byte[] key, byte[] group, String... ids) {
		return run((connection) -> connection.streamCommands()
			.xAck(key, new String(group, StandardCharsets.UTF_8), ids));
	}

	@Override
	public CompletableFuture<List<Map<String, @Nullable Object>>> xinfoGroups(byte[] key) {
		return run((connection) -> {
			StreamInfo.XInfoGroups groups = connection.streamCommands().xInfoGroups(key);
			List<Map<String, @Nullable Object>> result = new ArrayList<>();
			if (groups != null) {
				groups.forEach((group) -> result.add(new LinkedHashMap<>(group.getRaw())));
			}
			return result;
		});
	}

	// sessions and observability (added as needed)

	@Override
	public CompletableFuture<byte @Nullable []> dump(byte[] key) {
		return run((connection) -> connection.keyCommands().dump(key));
	}

	@Override
	public CompletableFuture<Void> restoreReplacing(byte[] key, long ttlMillis, byte[] value) {
		return run((connection) -> {
			connection.keyCommands().restore(key, ttlMillis, value, true);
			return null;
		});
	}

	@Override
	public CompletableFuture<String> ping() {
		return run(RedisConnection::ping);
	}

	@Override
	public CompletableFuture<Map<String, String>> info(String section) {
		return run((connection) -> {
			Properties info = connection.serverCommands().info(section);
			Map<String, String> values = new LinkedHashMap<>();
			if (info != null) {
				info.stringPropertyNames().forEach((name) -> values.put(name, info.getProperty(name)));
			}
			return values;
		});
	}

	/**
	 * Walks the keyspace with Spring Data's cursors, one primary after the other on Redis Cluster. The
	 * connection is held until the walk ends or fails.
	 */
	private final class PortableScan implements KeyScan {

		private final ScanOptions options;

		private final int count;

		private @Nullable RedisConnection connection;

		private @Nullable Deque<RedisClusterNode> nodes;

		private @Nullable Cursor<byte[]> cursor;

		private boolean finished;

		PortableScan(String pattern, int count) {
			this.options = ScanOptions.scanOptions().match(pattern).count(count).build();
			this.count = count;
		}

		@Override
		public List<byte[]> next(Duration timeout) {
			try {
				Cursor<byte[]> current = cursor();
				List<byte[]> page = new ArrayList<>(this.count);
				while (current != null && page.size() < this.count) {
					if (current.hasNext()) {
						page.add(current.next());
						continue;
					}
					current.close();
					this.cursor = null;
					current = cursor();
					if (page.size() > 0) {
						break;
					}
				}
				if (current == null) {
					end();
				}
				return page;
			}
			catch (RuntimeException ex) {
				end();
				throw ex;
			}
		}

		private @Nullable Cursor<byte[]> cursor() {
			if (this.cursor != null) {
				return this.cursor;
			}
			if (this.connection == null) {
				RedisConnection opened = PortableCommands.this.connectionFactory.getConnection();
				this.connection = opened;
				if (opened instanceof RedisClusterConnection cluster) {
					Deque<RedisClusterNode> primaries = new ArrayDeque<>();
					for (RedisClusterNode node : cluster.clusterGetNodes()) {
						if (node.isMaster() && node.isConnected()) {
							primaries.add(node);
						}
					}
					this.nodes = primaries;
				}
				else {
					this.cursor = opened.keyCommands().scan(this.options);
					return this.cursor;
				}
			}
			Deque<RedisClusterNode> remaining = this.nodes;
			if (remaining == null || remaining.isEmpty()) {
				return null;
			}
			this.cursor = ((RedisClusterConnection) this.connection).scan(remaining.poll(), this.options);
			return this.cursor;
		}

		private void end() {
			this.finished = true;
			Cursor<byte[]> current = this.cursor;
			this.cursor = null;
			if (current != null && !current.isClosed()) {
				current.close();
			}
			RedisConnection opened = this.connection;
			this.connection = null;
			this.nodes = null;
			if (opened != null) {
				opened.close();
			}
		}

		@Override
		public boolean finished() {
			return this.finished;
		}

	}

}
