package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RestoreArgs;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.internal.PatternCommands;
import dev.redispatterns.core.internal.StarterCommand;

/**
 * {@link PatternCommands} on the Lettuce connection that Spring Boot's {@link LettuceConnectionFactory}
 * shares: asynchronous, so the hot paths (one {@code EVALSHA}, one {@code GET}) pay for nothing but the
 * round trip. The same command interface serves standalone, Sentinel and Cluster set-ups; Lettuce routes
 * keyed commands to the owning cluster node.
 */
final class LettuceCommands implements PatternCommands {

	private static final ByteArrayCodec CODEC = ByteArrayCodec.INSTANCE;

	private final LettuceConnectionFactory connectionFactory;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile @Nullable Held held;

	LettuceCommands(LettuceConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	LettuceConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	/** The asynchronous commands of the shared connection. Never blocks; safe from any thread. */
	RedisClusterAsyncCommands<byte[], byte[]> async() {
		return current().commands;
	}

	StatefulConnection<byte[], byte[]> connection() {
		return current().stateful;
	}

	private Held current() {
		Held current = this.held;
		if (current == null || current.isReplaced()) {
			current = acquire();
		}
		return current;
	}

	@Override
	public boolean isConnected() {
		Held current = this.held;
		if (current == null) {
			try {
				current = acquire();
			}
			catch (RuntimeException ex) {
				return false;
			}
		}
		return current.stateful.isOpen();
	}

	@Override
	public <T> CompletableFuture<T> evalsha(String sha1, ReturnType type, byte[][] keys, byte[]... args) {
		return dispatch(CommandType.EVALSHA, scriptOutput(type), args().add(sha1).add(keys.length).addKeys(keys).addValues(args));
	}

	@Override
	public <T> CompletableFuture<T> eval(byte[] script, ReturnType type, byte[][] keys, byte[]... args) {
		return dispatch(CommandType.EVAL, scriptOutput(type), args().add(script).add(keys.length).addKeys(keys).addValues(args));
	}

	@SuppressWarnings("unchecked")
	private static <T> CommandOutput<byte[], byte[], T> scriptOutput(ReturnType type) {
		// the outputs Lettuce's own EVAL and EVALSHA use for each type
		CommandOutput<byte[], byte[], ?> output = switch (type) {
			case BOOLEAN -> new BooleanOutput<>(CODEC);
			case INTEGER -> new IntegerOutput<>(CODEC);
			case MULTI -> new NestedMultiOutput<>(CODEC);
			case STATUS -> new StatusOutput<>(CODEC);
			case VALUE -> new ValueOutput<>(CODEC);
		};
		return (CommandOutput<byte[], byte[], T>) output;
	}

	@Override
	public CompletableFuture<byte @Nullable []> get(byte[] key) {
		return dispatch(CommandType.GET, new ValueOutput<>(CODEC), args().addKey(key));
	}

	private static CommandArgs<byte[], byte[]> args() {
		return new CommandArgs<>(CODEC);
	}

	/**
	 * Sends a single-key (or keyless) command as a {@link StarterCommand}, so that Lettuce's per-command
	 * observation can leave it out. Lettuce routes it like its own commands, also to a cluster node.
	 */
	private <T> CompletableFuture<T> dispatch(CommandType type, CommandOutput<byte[], byte[], T> output,
			CommandArgs<byte[], byte[]> args) {
		AsyncCommand<byte[], byte[], T> command = new AsyncCommand<>(new StarterCommand<>(type, output, args));
		RedisCommand<byte[], byte[], T> dispatched = connection().dispatch(command);
		return (dispatched instanceof AsyncCommand<byte[], byte[], T> async) ? async : command;
	}

	@Override
	public CompletableFuture<Long> del(byte[]... keys) {
		return async().del(keys).toCompletableFuture();
	}

	@Override
	public CompletableFuture<Long> unlink(byte[]... keys) {
		return async().unlink(keys).toCompletableFuture();
	}

	@Override
	public CompletableFuture<Long> pttl(byte[] key) {
		return dispatch(CommandType.PTTL, new IntegerOutput<>(CODEC), args().addKey(key));
	}

	@Override
	public CompletableFuture<Long> publish(byte[] channel, byte[] message) {
		return dispatch(CommandType.PUBLISH, new IntegerOutput<>(CODEC), args().addKey(channel).addValue(message));
	}

	@Override
	public KeyScan scan(String pattern, int count) {
		ScanArgs args = ScanArgs.Builder.matches(pattern).limit(count);
		return new KeyScan() {

			private ScanCursor cursor = ScanCursor.INITIAL;

			private boolean finished;

			@Override
			public List<byte[]> next(Duration timeout) {
				// with Redis Cluster, Lettuce's SCAN walks every primary in turn
				KeyScanCursor<byte[]> page = RedisConnector.await(async().scan(this.cursor, args), timeout.toNanos());
				this.cursor = page;
				this.finished = page.isFinished();
				return page.getKeys();
			}

			@Override
			public boolean finished() {
				return this.finished;
			}

		};
	}

	@Override
	public CompletableFuture<byte @Nullable []> hget(byte[] key, byte[] field) {
		return dispatch(CommandType.HGET, new ValueOutput<>(CODEC), args().addKey(key).addKey(field));
	}

	@Override
	public CompletableFuture<Long> scard(byte[] key) {
		return async().scard(key).toCompletableFuture();
	}

	@Override
	public CompletableFuture<Long> srem(byte[] key, byte[]... members) {
		return async().srem(key, members).toCompletableFuture();
	}

	@Override
	public CompletableFuture<Long> zcard(byte[] key) {
		return async().zcard(key).toCompletableFuture();
	}

	@Override
	public CompletableFuture<Long> zrem(byte[] key, byte[]... members) {
		return async().zrem(key, members).toCompletableFuture();
	}

	@Override
	public CompletableFuture<@Nullable Double> zscore(byte[] key, byte[] member) {
		return async().zscore(key, member).toCompletableFuture();
	}

	@Override
	public CompletableFuture<List<byte[]>> zrange(byte[] key, long start, long stop) {
		return async().zrange(key, start, stop).toCompletableFuture();
	}

	@Override
	public CompletableFuture<List<ScoredMember>> zrangeWithScores(byte[] key, long start, long stop) {
		return async().zrangeWithScores(key, start, stop).toCompletableFuture().thenApply((values) -> {
			List<ScoredMember> members = new ArrayList<>(values.size());
			for (ScoredValue<byte[]> value : values) {
				members.add(new ScoredMember(value.getValue(), value.getScore()));
			}
			return members;
		});
	}

	@Override
	public CompletableFuture<Long> llen(byte[] key) {
		return async().llen(key).toCompletableFuture();
	}

	@Override
	public CompletableFuture<List<byte[]>> lrange(byte[] key, long start, long stop) {
		return async().lrange(key, start, stop).toCompletableFuture();
	}

	@Override
	public CompletableFuture<Long> lrem(byte[] key, long count, byte[] value) {
		return async().lrem(key, count, value).toCompletableFuture();
	}

	@Override
	public CompletableFuture<Long> pfcount(byte[]... keys) {
		return async().pfcount(keys).toCompletableFuture();
	}

	@Override
	public CompletableFuture<Long> xlen(byte[] key) {
		return async().xlen(key).toCompletableFuture();
	}

	// cache and structures (added as needed)

	// rate limits and locks (added as needed)

	// messaging (added as needed)

	@Override
	public CompletableFuture<Boolean> setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
		CommandArgs<byte[], byte[]> args = args().addKey(key).addValue(value);
		SetArgs.Builder.nx().px(ttlMillis).build(args);
		return dispatch(CommandType.SET, new StatusOutput<>(CODEC), args).thenApply("OK"::equals);
	}

	@Override
	public CompletableFuture<Long> spublish(byte[] channel, byte[] message) {
		return dispatch(CommandType.SPUBLISH, new IntegerOutput<>(CODEC), args().addKey(channel).addValue(message));
	}

	@Override
	public CompletableFuture<Long> xack(byte[] key, byte[] group, String... ids) {
		return async().xack(key, group, ids).toCompletableFuture();
	}

	@Override
	public CompletableFuture<List<Map<String, @Nullable Object>>> xinfoGroups(byte[] key) {
		return async().xinfoGroups(key).toCompletableFuture().thenApply((groups) -> {
			List<Map<String, @Nullable Object>> result = new ArrayList<>(groups.size());
			for (Object group : groups) {
				List<?> fields = (List<?>) group;
				Map<String, @Nullable Object> info = new LinkedHashMap<>();
				for (int i = 0; i + 1 < fields.size(); i += 2) {
					Object name = fields.get(i);
					info.put((name instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8)
							: String.valueOf(name), fields.get(i + 1));
				}
				result.add(info);
			}
			return result;
		});
	}

	// sessions and observability (added as needed)

	@Override
	public CompletableFuture<byte @Nullable []> dump(byte[] key) {
		return async().dump(key).toCompletableFuture();
	}

	@Override
	public CompletableFuture<Void> restoreReplacing(byte[] key, long ttlMillis, byte[] value) {
		return async().restore(key, value, RestoreArgs.Builder.ttl(ttlMillis).replace())
			.toCompletableFuture()
			.thenApply((reply) -> null);
	}

	@Override
	public CompletableFuture<String> ping() {
		return async().ping().toCompletableFuture();
	}

	@Override
	public CompletableFuture<Map<String, String>> info(String section) {
		return async().info(section).toCompletableFuture().thenApply(LettuceCommands::parseInfo);
	}

	private static Map<String, String> parseInfo(String info) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String line : info.split("\r?\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("#")) {
				values.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
			}
		}
		return values;
	}

	private Held acquire() {
		this.lock.lock();
		try {
			Held current = this.held;
			if (current != null && !current.isReplaced()) {
				return current;
			}
			RedisConnection connection;
			try {
				connection = this.connectionFactory.getConnection();
			}
			catch (RuntimeException ex) {
				throw new RedisUnavailableException("Cannot obtain a Redis connection: " + ex.getMessage(), ex);
			}
			Object nativeConnection = connection.getNativeConnection();
			StatefulConnection<byte[], byte[]> stateful = statefulOf(nativeConnection);
			if (current != null) {
				current.close();
			}
			@SuppressWarnings("unchecked")
			RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) nativeConnection;
			Held fresh = new Held(connection, stateful, commands);
			this.held = fresh;
			return fresh;
		}
		finally {
			this.lock.unlock();
		}
	}

	@SuppressWarnings("unchecked")
	private static StatefulConnection<byte[], byte[]> statefulOf(Object nativeConnection) {
		if (nativeConnection instanceof RedisAsyncCommands<?, ?> standalone) {
			return (StatefulConnection<byte[], byte[]>) standalone.getStatefulConnection();
		}
		if (nativeConnection instanceof RedisAdvancedClusterAsyncCommands<?, ?> cluster) {
			return (StatefulConnection<byte[], byte[]>) cluster.getStatefulConnection();
		}
		throw new IllegalStateException("Unsupported native Redis connection " + nativeConnection.getClass().getName());
	}

	void close() {
		this.lock.lock();
		try {
			Held current = this.held;
			this.held = null;
			if (current != null) {
				current.close();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The Spring connection is kept open for the connector's lifetime: with a shared native connection
	 * closing it would be harmless, but with pooling it would hand the native connection back to the pool.
	 */
	private record Held(RedisConnection springConnection, StatefulConnection<byte[], byte[]> stateful,
			RedisClusterAsyncCommands<byte[], byte[]> commands) {

		/** The factory closed its shared connection (reset, failed validation): fetch the new one. */
		boolean isReplaced() {
			return this.stateful instanceof RedisChannelHandler<?, ?> handler && handler.isClosed();
		}

		void close() {
			try {
				this.springConnection.close();
			}
			catch (RuntimeException ex) {
				// releasing a connection that is already gone
			}
		}

	}

}
