package dev.redispatterns.messaging.internal;

import dev.redispatterns.core.internal.RedisKeys;

/**
 * Names of the keys behind streams and queues. All keys of one stream or one queue share a hash tag, so
 * the scripts that move messages between them (dead-lettering, recovery, delayed jobs) stay in one
 * cluster slot:
 * <ul>
 * <li>stream {@code orders}: <code>prefix:msg:{stream:orders}</code>, dead letters in
 * <code>prefix:msg:{stream:orders}:dead-letter</code>, and while it is published to
 * <code>prefix:msg:{stream:orders}:published</code> (hash of recent publish ids to their entry ids, so that a
 * publish sent again adds nothing) with {@code :published:expiry} (sorted set of those ids by when they are
 * forgotten)</li>
 * <li>queue {@code mails}: <code>prefix:msg:{queue:mails}:ready</code> (list), {@code :delayed} (sorted
 * set by due time), {@code :consumers} (sorted set by last heartbeat), {@code :processing:<consumer>}
 * (list per consumer), {@code :dead-letter} (stream), and while it is published to {@code :pushed} (hash of
 * recent job ids, so that a publish sent again adds nothing) with {@code :pushed:expiry} (sorted set of those
 * ids by when they are forgotten)</li>
 * </ul>
 */
public final class MessagingKeys {

	static final String AREA = "msg";

	private final RedisKeys keys;

	public MessagingKeys(RedisKeys keys) {
		this.keys = keys;
	}

	/** The stream key of stream {@code name}. */
	public String stream(String name) {
		return this.keys.slotGroup(AREA, "stream", name).key();
	}

	/** The dead-letter stream of stream {@code name}. */
	public String streamDeadLetter(String name) {
		return this.keys.slotGroup(AREA, "stream", name).key("dead-letter");
	}

	/** The hash of recent publish ids of stream {@code name} to their entry ids, in the stream's slot. */
	public String streamPublished(String name) {
		return this.keys.slotGroup(AREA, "stream", name).key("published");
	}

	/** The sorted set of the ids in {@link #streamPublished}, scored by when they are forgotten (Redis time). */
	public String streamPublishedExpiry(String name) {
		return this.keys.slotGroup(AREA, "stream", name).key("published:expiry");
	}

	/** The hash of recently added job ids of queue {@code name}, in the queue's slot. */
	public String queuePushed(String name) {
		return queue(name).key("pushed");
	}

	/** The sorted set of the ids in {@link #queuePushed}, scored by when they are forgotten (Redis time). */
	public String queuePushedExpiry(String name) {
		return queue(name).key("pushed:expiry");
	}

	/** The list of jobs of queue {@code name} ready to run. */
	public String queueReady(String name) {
		return queue(name).key("ready");
	}

	/** The sorted set of delayed jobs of queue {@code name}, scored by due time (ms since the epoch). */
	public String queueDelayed(String name) {
		return queue(name).key("delayed");
	}

	/** The sorted set of consumers of queue {@code name}, scored by their last heartbeat (Redis time). */
	public String queueConsumers(String name) {
		return queue(name).key("consumers");
	}

	/** The list of jobs {@code consumer} of queue {@code name} is working on. */
	public String queueProcessing(String name, String consumer) {
		return queue(name).key("processing:" + RedisKeys.escape(consumer));
	}

	/** The dead-letter stream of queue {@code name}. */
	public String queueDeadLetter(String name) {
		return queue(name).key("dead-letter");
	}

	/** The key that remembers an idempotency key's state. */
	public String idempotency(String key) {
		return this.keys.key(AREA, "idempotency", key);
	}

	private RedisKeys.SlotGroup queue(String name) {
		return this.keys.slotGroup(AREA, "queue", name);
	}

}
