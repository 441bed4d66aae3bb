package dev.redispatterns.benchmarks.stream;

import java.time.Duration;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.stream.StreamMessageListenerContainer;
import org.springframework.data.redis.stream.StreamMessageListenerContainer.StreamMessageListenerContainerOptions;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;

/**
 * Spring Data Redis's {@code StreamMessageListenerContainer} used directly: one subscription per consumer,
 * batches of 64, 100 ms poll timeout, and the listener acknowledging each record with
 * {@code StreamOperations.acknowledge} after handling it (the documented pattern for manual acks).
 */
public final class SpringDataStreamContainer implements StreamSubject {

	private final LettuceConnectionFactory connectionFactory;

	private final StringRedisTemplate template;

	private StreamMessageListenerContainer<String, MapRecord<String, String, String>> container;

	public SpringDataStreamContainer(CellContext context) {
		this.connectionFactory = Clients.springConnectionFactory(context);
		this.template = new StringRedisTemplate(this.connectionFactory);
	}

	@Override
	public void start(String stream, String group, int consumers, Sink sink) {
		StreamMessageListenerContainerOptions<String, MapRecord<String, String, String>> options = StreamMessageListenerContainerOptions
			.builder()
			.batchSize(64)
			.pollTimeout(Duration.ofMillis(100))
			.build();
		this.container = StreamMessageListenerContainer.create(this.connectionFactory, options);
		for (int i = 0; i < consumers; i++) {
			this.container.receive(Consumer.from(group, "consumer-" + i),
					StreamOffset.create(stream, ReadOffset.lastConsumed()), (record) -> {
						this.template.opsForStream().acknowledge(stream, group, record.getId());
						sink.acknowledged(StreamSubject.sentAt(record.getValue().get(PAYLOAD)));
					});
		}
		this.container.start();
	}

	@Override
	public void close() {
		if (this.container != null) {
			this.container.stop();
		}
		this.connectionFactory.destroy();
	}

}
