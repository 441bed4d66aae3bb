package dev.redispatterns.reliability;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.core.ValueEncodingException;
import dev.redispatterns.messaging.PubSubPublisher;
import dev.redispatterns.messaging.QueuePublisher;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.session.RedisPatternsSession;
import dev.redispatterns.session.RedisPatternsSessionRepository;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A value larger than {@code redis.patterns.codec.max-value-size} is refused, with an error naming the
 * property, by every feature that writes values — cache puts, stream, queue and pub/sub messages (raw
 * {@code byte[]} payloads too) and session attributes — nothing of it is written, and the application
 * keeps working.
 */
@RedisTest
class ValueSizeLimitTests {

	private static final String BIG = "x".repeat(5_000);

	@Test
	void everyFeatureThatWritesValuesRefusesOversizedOnesAndKeepsWorking(RedisDeployment redis) throws Exception {
		List<String> properties = new ArrayList<>(List.of(redis.springProperties()));
		properties.add("redis.patterns.codec.max-value-size=2KB");
		try (ConfigurableApplicationContext context = ReliabilityApplication.start(properties.toArray(String[]::new))) {
			CatalogService catalog = context.getBean(CatalogService.class);
			assertRefused(() -> catalog.update("big", BIG));
			assertThat(catalog.value("big")).as("nothing was cached under the key").isEqualTo("value-big");
			catalog.update("small", "fits");
			assertThat(catalog.value("small")).isEqualTo("fits");

			StreamPublisher streams = context.getBean(StreamPublisher.class);
			assertRefused(() -> streams.publish(StreamRecorder.STREAM, new FaultEvent(BIG)));
			assertRefused(() -> streams.publish(StreamRecorder.STREAM, BIG.getBytes()));
			assertThat(redis.command("XLEN", "rp:msg:{stream:" + StreamRecorder.STREAM + "}")).isEqualTo(0L);
			streams.publish(StreamRecorder.STREAM, new FaultEvent("after"));
			FeatureTour.await("stream still consumed", () -> context.getBean(StreamRecorder.class).hasHandled("after"));

			QueuePublisher queues = context.getBean(QueuePublisher.class);
			assertRefused(() -> queues.enqueue(MessageRecorder.QUEUE, new FaultEvent(BIG)));
			assertRefused(() -> queues.enqueue(MessageRecorder.QUEUE, BIG.getBytes()));
			queues.enqueue(MessageRecorder.QUEUE, new FaultEvent("after"));
			FeatureTour.await("queue still consumed", () -> context.getBean(MessageRecorder.class).hasJob("after"));

			PubSubPublisher pubSub = context.getBean(PubSubPublisher.class);
			assertRefused(() -> pubSub.publish(NewsRecorder.CHANNEL, new FaultEvent(BIG)));
			assertRefused(() -> pubSub.publish(NewsRecorder.CHANNEL, BIG.getBytes()));
			NewsRecorder news = context.getBean(NewsRecorder.class);
			FeatureTour.await("pub/sub still delivered", () -> {
				pubSub.publish(NewsRecorder.CHANNEL, new FaultEvent("after"));
				return news.hasNews("after");
			});

			RedisPatternsSessionRepository sessions = context.getBean(RedisPatternsSessionRepository.class);
			RedisPatternsSession session = sessions.createSession();
			session.setAttribute("cart", "book");
			assertThatThrownBy(() -> session.setAttribute("upload", BIG)).isInstanceOf(ValueEncodingException.class)
				.hasMessageContaining("'upload'")
				.hasMessageContaining("redis.patterns.codec.max-value-size");
			sessions.save(session);
			RedisPatternsSession found = sessions.findById(session.getId());
			assertThat(found).isNotNull();
			assertThat(found.getAttributeNames()).containsExactly("cart");
		}
	}

	private static void assertRefused(Runnable write) {
		assertThatThrownBy(write::run).isInstanceOf(ValueEncodingException.class)
			.hasMessageContaining("redis.patterns.codec.max-value-size");
	}

}
