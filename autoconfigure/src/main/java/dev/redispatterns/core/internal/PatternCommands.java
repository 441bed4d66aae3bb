package dev.redispatterns.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.ReturnType;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.core.RedisUnavailableException;

/**
 * The one way the pattern engine talks to Redis. Two implementations: Lettuce's asynchronous API when the
 * application's connection factory is Lettuce's (every future completes on Lettuce's I/O thread, one round
 * trip per call), and Spring Data Redis over any {@code RedisConnectionFactory} (Jedis, wrapped or
 * decorated factories), where the command runs on the calling thread and the future is already complete
 * when it is returned.
 * <p>
 * Futures fail with the client's own exception; {@link RedisConnector#await} and
 * {@link RedisConnector#translate} turn it into {@link RedisUnavailableException} or
 * {@link RedisPatternsException}. Keys, values and channels are raw bytes.
 */
public interface PatternCommands {

	// scripts and strings

	/** {@code EVALSHA}; fails with a {@code NOSCRIPT} reply when the script is not cached on the node. */
	<T> CompletableFuture<T> evalsha(String sha1, ReturnType type, byte[][] keys, byte[]... args);

	/** {@code EVAL}, which also caches the script on the node that owns the keys. */
	<T> CompletableFuture<T> eval(byte[] script, ReturnType type, byte[][] keys, byte[]... args);

	CompletableFuture<byte @Nullable []> get(byte[] key);

	CompletableFuture<Long> del(byte[]... keys);

	CompletableFuture<Long> unlink(byte[]... keys);

	/** Remaining time to live in milliseconds; {@code -1} without expiry, {@code -2} when the key is absent. */
	CompletableFuture<Long> pttl(byte[] key);

	CompletableFuture<Long> publish(byte[] channel, byte[] message);

	/**
	 * A {@code SCAN} over every key matching {@code pattern} — on Redis Cluster over every primary — in
	 * pages of about {@code count} keys.
	 */
	KeyScan scan(String pattern, int count);

	// hashes, sets, sorted sets and lists

	CompletableFuture<byte @Nullable []> hget(byte[] key, byte[] field);

	CompletableFuture<Long> scard(byte[] key);

	CompletableFuture<Long> srem(byte[] key, byte[]... members);

	CompletableFuture<Long> zcard(byte[] key);

	CompletableFuture<Long> zrem(byte[] key, byte[]... members);

	CompletableFuture<@Nullable Double> zscore(byte[] key, byte[] member);

	/** Members by rank, lowest score first. */
	CompletableFuture<List<byte[]>> zrange(byte[] key, long start, long stop);

	/** Members by rank with their scores, lowest score first. */
	CompletableFuture<List<ScoredMember>> zrangeWithScores(byte[] key, long start, long stop);

	CompletableFuture<Long> llen(byte[] key);

	CompletableFuture<List<byte[]>> lrange(byte[] key, long start, long stop);

	CompletableFuture<Long> lrem(byte[] key, long count, byte[] value);

	CompletableFuture<Long> pfcount(byte[]... keys);

	// streams

	CompletableFuture<Long> xlen(byte[] key);

	// cache and structures (added as needed)

	// rate limits and locks (added as needed)

	// messaging and sessions (added as needed)

	/** {@code SET key value NX PX ttlMillis}: whether the key was set (it did not exist). */
	CompletableFuture<Boolean> setIfAbsent(byte[] key, byte[] value, long ttlMillis);

	/** {@code SPUBLISH} (sharded pub/sub, Redis 7): to the node that owns the channel's slot. */
	CompletableFuture<Long> spublish(byte[] channel, byte[] message);

	CompletableFuture<Long> xack(byte[] key, byte[] group, String... ids);

	/**
	 * {@code XINFO GROUPS}: per group its fields by name ({@code name}, {@code consumers}, {@code pending},
	 * {@code lag}, {@code last-delivered-id}, ...); values are numbers, or text as {@code byte[]} or
	 * {@code String} depending on the client, or {@code null}.
	 */
	CompletableFuture<List<Map<String, @Nullable Object>>> xinfoGroups(byte[] key);

	// sessions and observability (added as needed)

	/** {@code DUMP}: the key's serialized value, {@code null} when it is absent. */
	CompletableFuture<byte @Nullable []> dump(byte[] key);

	/** {@code RESTORE key ttlMillis value REPLACE}; a {@code ttlMillis} of 0 restores it without expiry. */
	CompletableFuture<Void> restoreReplacing(byte[] key, long ttlMillis, byte[] value);

	/** {@code PING} on the connection's node. */
	CompletableFuture<String> ping();

	/**
	 * {@code INFO section} of a standalone server or Sentinel's master as {@code name -> value}; not for
	 * Redis Cluster, where each node answers for itself.
	 */
	CompletableFuture<Map<String, String>> info(String section);

	// server

	/** Whether the connection is up now; {@code false} while Lettuce reconnects. */
	boolean isConnected();

	/** A page of {@link #scan}. */
	interface KeyScan {

		/** The next page, waiting at most {@code timeout}; empty pages may occur before the end. */
		List<byte[]> next(Duration timeout);

		/** Whether every node has been walked to its end. */
		boolean finished();

	}

	/** A sorted-set member and its score. */
	record ScoredMember(byte[] member, double score) {

	}

}
