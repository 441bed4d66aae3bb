package dev.redispatterns.consistency.app;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.redispatterns.messaging.Delivery;
import dev.redispatterns.messaging.QueueListener;
import dev.redispatterns.messaging.QueuePublisher;
import dev.redispatterns.messaging.StreamGroupListener;
import dev.redispatterns.messaging.StreamPublisher;

/**
 * Stream {@code events} (group {@code workers}) and queue {@code jobs}: the driver publishes messages
 * {@code m<n>[:flaky|:poison]}, the listeners of every JVM handle them. A flaky message fails its first
 * attempt, a poison one every attempt (it must end in the dead-letter stream). Handled messages are kept in
 * memory and collected by the driver at the end.
 */
@RestController
public class Messages {

	private final Queue<String> handled = new ConcurrentLinkedQueue<>();

	private final StreamPublisher streams;

	private final QueuePublisher queues;

	private final Broken broken;

	private final StringRedisTemplate redis;

	private final ExecutorService later = Executors.newFixedThreadPool(2);

	public Messages(StreamPublisher streams, QueuePublisher queues, Broken broken, StringRedisTemplate redis) {
		this.streams = streams;
		this.queues = queues;
		this.broken = broken;
		this.redis = redis;
	}

	@PostMapping("/stream/publish")
	public String publish(@RequestParam String message) {
		String id = this.streams.publish("events", message);
		if (this.broken.enabled()) {
			// Broken: trimming that ignores the group, below entries it has not acknowledged.
			this.redis.opsForStream().trim("rp:msg:{stream:events}", 3);
		}
		return id;
	}

	@PostMapping("/queue/enqueue")
	public String enqueue(@RequestParam String message) {
		return this.queues.enqueue("jobs", message);
	}

	@GetMapping("/messages/handled")
	public String handled() {
		return String.join("\n", this.handled);
	}

	@StreamGroupListener(stream = "events", group = "workers")
	public void onEvent(String message, Delivery delivery) throws InterruptedException {
		// Slower than the driver's bursts arrive, so the group falls behind the stream's max-length.
		Thread.sleep(20);
		handle("stream", message, delivery);
	}

	@QueueListener("jobs")
	public void onJob(String message, Delivery delivery) {
		if (this.broken.enabled()) {
			// Broken: the job is acknowledged (the listener returns) before it is handled; a failure is lost.
			this.later.execute(() -> {
				try {
					handle("queue", message, delivery);
				}
				catch (RuntimeException ex) {
					// swallowed: nobody retries it
				}
			});
			return;
		}
		handle("queue", message, delivery);
	}

	private void handle(String kind, String message, Delivery delivery) {
		if (message.endsWith(":poison") || (message.endsWith(":flaky") && delivery.attempt() == 1)) {
			throw new IllegalStateException("failing " + message + " on attempt " + delivery.attempt());
		}
		this.handled.add(kind + " " + message + " " + delivery.id() + " " + delivery.attempt());
	}

}
