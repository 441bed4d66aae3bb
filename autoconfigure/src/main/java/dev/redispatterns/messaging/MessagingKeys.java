package dev.redispatterns.messaging;

import dev.redispatterns.core.RedisKeys;

/**
 * Names of the keys behind streams and queues. All keys of one stream or one queue share a hash tag, so
 * the scripts that move messages between them (dead-lettering, recovery, delayed jobs) stay in one
 * cluster slot:
 * <ul>
 * <li>stream {@code orders}: <code>prefix:msg:{stream:orders}</code>, dead letters in
 * <code>prefix:msg:{stream:orders}:dead-letter</code>, and for a short while after each publish
 * <code>prefix:msg:{stream:orders}:published:&lt;publish id&gt;</code> (its entry id, so that a publish sent
 * again adds nothing)</li>
 * <li>queue {@code mails}: <code>prefix:msg:{queue:mails}:ready</code> (list), {@code :delayed} (sorted
 * set by due time), {@code :consumers} (sorted set by last heartbeat), {@code :processing:<consumer>}
 * (list per consumer), {@code :dead-letter} (stream), and for a short while after each publish
 * {@code :pushed:<job id>} (so that a publish sent again adds nothing)</li>
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

	/** Where a publish to stream {@code name} leaves its entry id, in the stream's slot. */
	public String streamPublished(String name, String publishId) {
		return this.keys.slotGroup(AREA, "stream", name).key("published:" + RedisKeys.escape(publishId));
	}

	/** Where a publish to queue {@code name} marks its job as added, in the queue's slot. */
	public String queuePushed(String name, String jobId) {
		return queue(name).key("pushed:" + RedisKeys.escape(jobId));
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
