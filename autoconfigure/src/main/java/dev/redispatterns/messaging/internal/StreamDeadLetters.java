package dev.redispatterns.messaging.internal;

import java.util.Arrays;
import java.util.List;

import org.springframework.data.redis.connection.ReturnType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.Delivery;
import dev.redispatterns.messaging.MessagingListener;

import static dev.redispatterns.messaging.internal.ConsumerLoop.bytes;

/**
 * The dead-lettering of one stream consumer: moving a pending entry to the dead-letter stream, and reporting
 * pending entries that another client deleted from the stream.
 */
final class StreamDeadLetters {

	private static final Log logger = LogFactory.getLog(StreamConsumer.class);

	private static final LuaScript DEAD_LETTER = LuaScript.load(Delivery.class, "stream_dead_letter.lua");

	private static final byte[] DELETED = bytes("1");

	private final ScriptExecutor scripts;

	private final String name;

	private final String group;

	private final MessagingListener listener;

	private final byte[] key;

	private final byte[] deadLetterKey;

	private final byte[] groupBytes;

	private final byte[] consumerBytes;

	private final long maxLength;

	StreamDeadLetters(ScriptExecutor scripts, String name, String group, MessagingListener listener, byte[] key,
			byte[] deadLetterKey, byte[] groupBytes, byte[] consumerBytes, long maxLength) {
		this.scripts = scripts;
		this.name = name;
		this.group = group;
		this.listener = listener;
		this.key = key;
		this.deadLetterKey = deadLetterKey;
		this.groupBytes = groupBytes;
		this.consumerBytes = consumerBytes;
		this.maxLength = maxLength;
	}

	/**
	 * Moves a pending entry to the dead-letter stream; {@code deletedPayload} (or an empty array for an entry
	 * without payload) marks an entry deleted from the stream while it was handled, recorded from memory.
	 */
	void deadLetter(String id, long deliveries, String error, byte @Nullable [] deletedPayload) {
		try {
			byte[][] args = { this.groupBytes, bytes(id), this.consumerBytes, ScriptExecutor.arg(deliveries),
					bytes(error), ScriptExecutor.arg(this.maxLength) };
			if (deletedPayload != null) {
				args = Arrays.copyOf(args, (deletedPayload.length > 0) ? 8 : 7);
				args[6] = DELETED;
				if (deletedPayload.length > 0) {
					args[7] = deletedPayload;
				}
			}
			Long moved = this.scripts.call(DEAD_LETTER, ReturnType.INTEGER,
					new byte[][] { this.key, this.deadLetterKey }, args);
			if (moved != null && moved == 1L) {
				this.listener.onStreamDeadLettered(this.name, this.group);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot move entry " + id + " of stream '" + this.name
					+ "' to the dead-letter stream now; it stays pending and is moved when reclaimed", ex);
		}
	}

	/** Pending entries found deleted from the stream, by another client: this starter's trimming keeps them. */
	void deleted(List<?> ids, String consequence) {
		this.listener.onStreamDeleted(this.name, this.group, ids.size());
		List<String> shown = ids.stream().limit(10).map(ConsumerLoop::string).toList();
		logger.warn(ids.size() + " entries pending for group '" + this.group + "' of stream '" + this.name
				+ "' were deleted from the stream by another client " + consequence + ": " + shown
				+ ((ids.size() > shown.size()) ? " and more" : ""));
	}

}
