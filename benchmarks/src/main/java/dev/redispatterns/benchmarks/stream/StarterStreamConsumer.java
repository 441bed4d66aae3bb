package dev.redispatterns.benchmarks.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.StarterCore;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.messaging.MessagingListener;
import dev.redispatterns.messaging.StreamPolicy;
import dev.redispatterns.messaging.internal.ConsumerNames;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.messaging.internal.StreamConsumer;

/**
 * This starter's {@link StreamConsumer} (what {@code @StreamGroupListener} runs), one per consumer of the
 * group, all on one connector as in one application: each has its own reader thread and dedicated
 * connection for the blocking {@code XREADGROUP} and one handler thread; an entry is acknowledged after its
 * handler returned, with one {@code XACK} for every entry that finished meanwhile. Batches of 64 and a
 * 100 ms poll, like the floor and the Spring Data Redis container; the other settings are the starter's
 * defaults (lease renewal and reclaim ticks included).
 */
public final class StarterStreamConsumer implements StreamSubject {

	private final StarterCore core;

	private final MessagingKeys keys;

	private final List<StreamConsumer> consumers = new ArrayList<>();

	public StarterStreamConsumer(CellContext context) {
		this.core = new StarterCore(context);
		this.keys = new MessagingKeys(new RedisKeys("rp"));
	}

	@Override
	public String key(String stream) {
		return this.keys.stream(stream);
	}

	@Override
	public void start(String stream, String group, int count, Sink sink) {
		StreamPolicy settings = StreamPolicy.defaults(stream)
			.withBatchSize(64)
			.withPollTimeout(Duration.ofMillis(100));
		for (int i = 0; i < count; i++) {
			StreamConsumer consumer = new StreamConsumer(this.core.connector(), this.core.scripts(), this.keys, settings,
					group, ConsumerNames.next(), (payload, delivery) -> sink.acknowledged(StreamSubject.sentAt(payload)),
					MessagingListener.NONE);
			this.consumers.add(consumer);
			consumer.start();
		}
	}

	@Override
	public void close() {
		for (StreamConsumer consumer : this.consumers) {
			consumer.stop();
		}
		this.core.close();
	}

}
