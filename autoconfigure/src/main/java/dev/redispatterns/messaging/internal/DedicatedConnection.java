package dev.redispatterns.messaging.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.Consumer;
import io.lettuce.core.LMoveArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisListCommands.Direction;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.core.internal.LettuceClose;
import dev.redispatterns.messaging.StreamPublisher;

/**
 * A connection of its own for one reader's blocking commands ({@code XREADGROUP BLOCK}, {@code BLMOVE}),
 * which would otherwise stall every command sharing the starter's connection. With Lettuce (native mode) it
 * is opened from the same Lettuce client as the shared connection, so it follows the same standalone,
 * Sentinel or Cluster set-up and reconnects on its own. Otherwise (portable mode) it is a Spring Data
 * connection taken from the factory (from Jedis's pool) and held for the reader's life; after a failed
 * command it is given back (a broken one is discarded by the pool) and the next command takes a fresh one.
 */
public abstract class DedicatedConnection implements AutoCloseable {

	// StreamPublisher writes the payload under this field.
	static final byte[] PAYLOAD = "payload".getBytes(java.nio.charset.StandardCharsets.UTF_8);

	/**
	 * Opens a connection for blocking reads of at most {@code timeout} minus the command timeout: in native
	 * mode its command timeout is {@code timeout}, longer than the longest blocking wait, so Lettuce does not
	 * cancel a blocking read that Redis may already have served.
	 */
	static DedicatedConnection open(RedisConnector connector, Duration timeout) {
		return connector.isNative() ? Native.open(connector, timeout) : new Portable(connector);
	}

	/**
	 * {@code BLMOVE source destination RIGHT LEFT}, waiting at most about {@code waitNanos}.
	 * @return the element moved, or {@code null} when none came in time
	 */
	abstract byte @Nullable [] blmove(byte[] source, byte[] destination, long waitNanos);

	/**
	 * {@code XREADGROUP GROUP group consumer COUNT count BLOCK blockMillis STREAMS key >}.
	 * @return the entries read, none when none came in time
	 */
	abstract List<Entry> xreadgroup(byte[] key, byte[] group, byte[] consumer, int count, long blockMillis);

	@Override
	public abstract void close();

	/** A stream entry read: its id and fields. */
	record Entry(String id, @Nullable Map<byte[], byte[]> body) {

		/** The publisher's payload field; {@code null} when the entry has none. */
		byte @Nullable [] payload() {
			if (this.body != null) {
				for (Map.Entry<byte[], byte[]> field : this.body.entrySet()) {
					if (Arrays.equals(field.getKey(), PAYLOAD)) {
						return field.getValue();
					}
				}
			}
			return null;
		}

		/** The payload field among an entry's fields as a script returns them (name, value, name, ...). */
		static byte @Nullable [] payload(List<?> fields) {
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				if (fields.get(i) instanceof byte[] field && Arrays.equals(field, PAYLOAD)) {
					return (byte[]) fields.get(i + 1);
				}
			}
			return null;
		}

		/** The entry's fields other than the payload: the headers its publisher stored (a trace context). */
		Map<String, String> headers() {
			if (this.body == null || this.body.size() < 2) {
				return Map.of();
			}
			Map<String, String> headers = new HashMap<>();
			for (Map.Entry<byte[], byte[]> field : this.body.entrySet()) {
				if (!Arrays.equals(field.getKey(), PAYLOAD)) {
					headers.put(ConsumerLoop.string(field.getKey()), ConsumerLoop.string(field.getValue()));
				}
			}
			return headers;
		}

		/** The headers among an entry's fields as a script returns them (name, value, name, ...). */
		static Map<String, String> headers(List<?> fields) {
			if (fields.size() < 4) {
				return Map.of();
			}
			Map<String, String> headers = new HashMap<>();
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				if (!(fields.get(i) instanceof byte[] field && Arrays.equals(field, PAYLOAD))) {
					headers.put(ConsumerLoop.string(fields.get(i)), ConsumerLoop.string(fields.get(i + 1)));
				}
			}
			return headers;
		}

	}

	/** Lettuce's own connection, with the command timeout the longest wait needs. */
	private static final class Native extends DedicatedConnection {

		private final RedisConnector connector;

		private final StatefulConnection<byte[], byte[]> connection;

		private final RedisClusterAsyncCommands<byte[], byte[]> commands;

		private Native(RedisConnector connector, StatefulConnection<byte[], byte[]> connection,
				RedisClusterAsyncCommands<byte[], byte[]> commands) {
			this.connector = connector;
			this.connection = connection;
			this.commands = commands;
		}

		static Native open(RedisConnector connector, Duration timeout) {
			AbstractRedisClient client = connector.lettuce().getNativeClient();
			try {
				if (client instanceof RedisClusterClient cluster) {
					StatefulRedisClusterConnection<byte[], byte[]> connection = cluster.connect(ByteArrayCodec.INSTANCE);
					connection.setTimeout(timeout);
					return new Native(connector, connection, connection.async());
				}
				if (client instanceof RedisClient standalone) {
					StatefulRedisConnection<byte[], byte[]> connection = standalone.connect(ByteArrayCodec.INSTANCE);
					connection.setTimeout(timeout);
					return new Native(connector, connection, connection.async());
				}
			}
			catch (RuntimeException ex) {
				throw RedisConnector.translate(ex);
			}
			throw new RedisUnavailableException(
					"No Lettuce client to open a dedicated connection with (" + client + ")");
		}

		@Override
		byte @Nullable [] blmove(byte[] source, byte[] destination, long waitNanos) {
			double timeoutSeconds = Math.max(0.01, waitNanos / 1e9);
			return this.connector.await(
					this.commands.blmove(source, destination, LMoveArgs.Builder.rightLeft(), timeoutSeconds),
					Duration.ofNanos(waitNanos).plus(this.connector.commandTimeout()));
		}

		@Override
		List<Entry> xreadgroup(byte[] key, byte[] group, byte[] consumer, int count, long blockMillis) {
			List<StreamMessage<byte[], byte[]>> messages = this.connector.await(
					this.commands.xreadgroup(Consumer.from(group, consumer),
							XReadArgs.Builder.count(count).block(blockMillis), StreamOffset.lastConsumed(key)),
					Duration.ofMillis(blockMillis).plus(this.connector.commandTimeout()));
			if (messages == null || messages.isEmpty()) {
				return List.of();
			}
			List<Entry> entries = new ArrayList<>(messages.size());
			for (StreamMessage<byte[], byte[]> message : messages) {
				entries.add(new Entry(message.getId(), message.getBody()));
			}
			return entries;
		}

		@Override
		public void close() {
			LettuceClose.closeAndWait(this.connection, this.connector.commandTimeout());
		}

	}

	/**
	 * A Spring Data connection held for the reader's life. Each blocking read runs on the reader's thread:
	 * Jedis lifts its read timeout for blocking commands, and the wait is kept under half the client's
	 * timeout so that no client gives up on a read that Redis may already have served. Closing while a read
	 * is in progress gives the connection back when the read returns, never while it is in use.
	 */
	private static final class Portable extends DedicatedConnection {

		private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

		private final RedisConnector connector;

		private final long maxWaitNanos;

		private @Nullable RedisConnection held;

		private boolean busy;

		private boolean closed;

		Portable(RedisConnector connector) {
			this.connector = connector;
			this.maxWaitNanos = Math.max(MIN_WAIT_NANOS, connector.clientTimeout().toNanos() / 2);
		}

		@Override
		byte @Nullable [] blmove(byte[] source, byte[] destination, long waitNanos) {
			double timeoutSeconds = Math.max(MIN_WAIT_NANOS, Math.min(waitNanos, this.maxWaitNanos)) / 1e9;
			return run((connection) -> connection.listCommands()
				.bLMove(source, destination, Direction.RIGHT, Direction.LEFT, timeoutSeconds));
		}

		@Override
		List<Entry> xreadgroup(byte[] key, byte[] group, byte[] consumer, int count, long blockMillis) {
			long block = Math.max(1, Math.min(blockMillis, TimeUnit.NANOSECONDS.toMillis(this.maxWaitNanos)));
			List<ByteRecord> records = run((connection) -> connection.streamCommands()
				.xReadGroup(org.springframework.data.redis.connection.stream.Consumer.from(ConsumerLoop.string(group),
						ConsumerLoop.string(consumer)), StreamReadOptions.empty().count(count).block(Duration.ofMillis(block)),
						org.springframework.data.redis.connection.stream.StreamOffset.create(key, ReadOffset.lastConsumed())));
			if (records == null || records.isEmpty()) {
				return List.of();
			}
			List<Entry> entries = new ArrayList<>(records.size());
			for (ByteRecord record : records) {
				entries.add(new Entry(record.getId().getValue(), record.getValue()));
			}
			return entries;
		}

		private <T> @Nullable T run(Function<RedisConnection, @Nullable T> command) {
			RedisConnection connection;
			synchronized (this) {
				if (this.closed) {
					throw new RedisUnavailableException("The reader's connection is closed");
				}
				if (this.held == null) {
					try {
						this.held = this.connector.connectionFactory().getConnection();
					}
					catch (RuntimeException ex) {
						throw RedisConnector.translate(ex);
					}
				}
				connection = this.held;
				this.busy = true;
			}
			boolean failed = true;
			try {
				T result = command.apply(connection);
				failed = false;
				return result;
			}
			catch (RuntimeException ex) {
				throw RedisConnector.translate(ex);
			}
			finally {
				synchronized (this) {
					this.busy = false;
					if (failed || this.closed) {
						// a fresh connection for the next read: this one may be broken, or point at a former primary
						this.held = null;
						release(connection);
					}
				}
			}
		}

		@Override
		public synchronized void close() {
			this.closed = true;
			RedisConnection current = this.held;
			if (current != null && !this.busy) {
				this.held = null;
				release(current);
			}
		}

		private static void release(RedisConnection connection) {
			try {
				connection.close();
			}
			catch (RuntimeException ex) {
				// giving back a connection that is already gone
			}
		}

	}

}
