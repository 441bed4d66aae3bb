package dev.redispatterns.messaging.internal;

import java.util.List;

import org.springframework.data.redis.connection.ReturnType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.Delivery;
import dev.redispatterns.messaging.MessagingListener;
import dev.redispatterns.messaging.QueuePolicy;

import static dev.redispatterns.messaging.internal.ConsumerLoop.bytes;
import static dev.redispatterns.messaging.internal.ConsumerLoop.string;

/**
 * One queue consumer's part in the queue's consumer registry: its heartbeat (Redis time), the recovery of the
 * jobs of consumers silent longer than the consumer timeout, and leaving the registry on stop.
 */
final class QueueConsumerRegistry {

	private static final Log logger = LogFactory.getLog(QueueConsumer.class);

	private static final LuaScript HEARTBEAT = LuaScript.load(Delivery.class, "queue_heartbeat.lua");

	private static final LuaScript STALE = LuaScript.load(Delivery.class, "queue_stale.lua");

	private static final LuaScript RECOVER = LuaScript.load(Delivery.class, "queue_recover.lua");

	private static final LuaScript UNREGISTER = LuaScript.load(Delivery.class, "queue_unregister.lua");

	private static final int STALE_BATCH = 20;

	private final ScriptExecutor scripts;

	private final MessagingKeys keys;

	private final QueuePolicy settings;

	private final String name;

	private final String consumerName;

	private final MessagingListener listener;

	private final byte[] consumers;

	private final byte[] processing;

	private final byte[] ready;

	private final byte[] deadLetter;

	private final byte[] consumerBytes;

	QueueConsumerRegistry(ScriptExecutor scripts, MessagingKeys keys, QueuePolicy settings, String consumerName,
			MessagingListener listener) {
		this.scripts = scripts;
		this.keys = keys;
		this.settings = settings;
		this.name = settings.name();
		this.consumerName = consumerName;
		this.listener = listener;
		this.consumers = bytes(keys.queueConsumers(this.name));
		this.processing = bytes(keys.queueProcessing(this.name, consumerName));
		this.ready = bytes(keys.queueReady(this.name));
		this.deadLetter = bytes(keys.queueDeadLetter(this.name));
		this.consumerBytes = bytes(consumerName);
	}

	void heartbeat() {
		this.scripts.call(HEARTBEAT, ReturnType.INTEGER, new byte[][] { this.consumers }, this.consumerBytes);
	}

	/** Puts back (or dead-letters) the jobs of consumers that stopped sending heartbeats. */
	void recoverDead() {
		List<Object> stale = this.scripts.call(STALE, ReturnType.MULTI, new byte[][] { this.consumers },
				ScriptExecutor.arg(this.settings.consumerTimeout().toMillis()), ScriptExecutor.arg(STALE_BATCH));
		for (Object item : stale) {
			String dead = string(item);
			if (dead.equals(this.consumerName)) {
				continue;
			}
			byte[] deadProcessing = bytes(this.keys.queueProcessing(this.name, dead));
			List<Object> result = this.scripts.call(RECOVER, ReturnType.MULTI,
					new byte[][] { this.consumers, deadProcessing, this.ready, this.deadLetter }, bytes(dead),
					ScriptExecutor.arg(this.settings.consumerTimeout().toMillis()),
					ScriptExecutor.arg(this.settings.maxDeliveries()),
					ScriptExecutor.arg(this.settings.deadLetterMaxLength()));
			int recovered = ((Number) result.get(0)).intValue();
			int deadLettered = ((Number) result.get(1)).intValue();
			if (recovered > 0 || deadLettered > 0) {
				logger.warn("Queue '" + this.name + "': consumer " + dead + " stopped sending heartbeats; put "
						+ recovered + " of its jobs back" + ((deadLettered > 0)
								? " and moved " + deadLettered + " to the dead-letter stream" : ""));
			}
			if (recovered > 0) {
				this.listener.onQueueRecovered(this.name, recovered);
			}
			for (int i = 0; i < deadLettered; i++) {
				this.listener.onQueueDeadLettered(this.name);
			}
		}
	}

	/** Leaves the registry when nothing is left in this consumer's processing list. */
	void unregister() {
		try {
			this.scripts.call(UNREGISTER, ReturnType.INTEGER, new byte[][] { this.consumers, this.processing },
					this.consumerBytes);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not unregister consumer " + this.consumerName + " of queue '" + this.name + "'", ex);
		}
	}

}
