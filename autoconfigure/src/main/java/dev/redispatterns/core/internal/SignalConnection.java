package dev.redispatterns.core.internal;

import java.util.concurrent.CompletableFuture;

/** The dedicated pub/sub connection of {@link RedisSignals}: subscribing returns once Redis confirmed. */
interface SignalConnection {

	void subscribe(Kind kind, byte[] name);

	void unsubscribe(Kind kind, byte[] name);

	default CompletableFuture<Void> subscribeOnNode(String nodeId, byte[][] channels) {
		throw new UnsupportedOperationException("Node subscriptions need Lettuce");
	}

	default void unsubscribeOnNode(String nodeId, byte[][] channels) {
	}

	void close();

	/** What a subscription is to: a channel, a shard channel or a pattern. */
	enum Kind {

		CHANNEL, SHARD, PATTERN

	}

	/** Opens the signal connection, which reports what Redis sends to {@code events}. */
	@FunctionalInterface
	interface Factory {

		SignalConnection open(SignalEvents events);

	}

}
