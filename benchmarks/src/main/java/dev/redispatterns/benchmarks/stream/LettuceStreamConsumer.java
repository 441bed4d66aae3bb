package dev.redispatterns.benchmarks.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;

/**
 * The floor: each consumer is a thread with a dedicated Lettuce connection doing
 * {@code XREADGROUP COUNT 64 BLOCK 100} and, once every message of the batch is handled, one {@code XACK}
 * naming all of them — the least Redis work for at-least-once delivery.
 */
public final class LettuceStreamConsumer implements StreamSubject {

	private static final XReadArgs READ = XReadArgs.Builder.count(64).block(Duration.ofMillis(100));

	private final CellContext context;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final List<Thread> threads = new ArrayList<>();

	private final List<RedisClient> clients = new ArrayList<>();

	public LettuceStreamConsumer(CellContext context) {
		this.context = context;
	}

	@Override
	public void start(String stream, String group, int consumers, Sink sink) {
		for (int i = 0; i < consumers; i++) {
			RedisClient client = Clients.lettuce(this.context);
			this.clients.add(client);
			StatefulRedisConnection<String, String> connection = client.connect();
			RedisCommands<String, String> commands = connection.sync();
			Consumer<String> consumer = Consumer.from(group, "consumer-" + i);
			Thread thread = new Thread(() -> consume(commands, consumer, stream, group, sink), "bench-consumer-" + i);
			thread.setDaemon(true);
			thread.start();
			this.threads.add(thread);
		}
	}

	@SuppressWarnings("unchecked")
	private void consume(RedisCommands<String, String> commands, Consumer<String> consumer, String stream,
			String group, Sink sink) {
		XReadArgs.StreamOffset<String> offset = XReadArgs.StreamOffset.lastConsumed(stream);
		while (this.running.get()) {
			List<StreamMessage<String, String>> messages;
			try {
				messages = commands.xreadgroup(consumer, READ, offset);
			}
			catch (RuntimeException ex) {
				if (!this.running.get()) {
					return;
				}
				throw ex;
			}
			if (messages.isEmpty()) {
				continue;
			}
			String[] ids = new String[messages.size()];
			for (int i = 0; i < ids.length; i++) {
				ids[i] = messages.get(i).getId();
			}
			commands.xack(stream, group, ids);
			for (StreamMessage<String, String> message : messages) {
				sink.acknowledged(StreamSubject.sentAt(message.getBody().get(PAYLOAD)));
			}
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		for (Thread thread : this.threads) {
			thread.join(2_000);
		}
		for (RedisClient client : this.clients) {
			client.shutdown();
		}
	}

}
