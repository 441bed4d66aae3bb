package dev.redispatterns.sample.notifications;

import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.redispatterns.messaging.PubSubPublisher;
import dev.redispatterns.ratelimit.RateLimited;

/**
 * The live notification feed (Server-Sent Events) and a way to broadcast a message to every browser on
 * every instance.
 */
@RestController
class NotificationController {

	private final NotificationHub hub;

	private final PubSubPublisher publisher;

	NotificationController(NotificationHub hub, PubSubPublisher publisher) {
		this.hub = hub;
		this.publisher = publisher;
	}

	@GetMapping(path = "/api/notifications", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public SseEmitter notifications() {
		return this.hub.connect();
	}

	/** Publishes a message on the channel; every instance pushes it to its browsers. */
	@PostMapping("/api/notifications")
	@RateLimited(value = "broadcast", key = "@clientIp.current()")
	public Map<String, Object> broadcast(@RequestBody Map<String, String> body) {
		String text = body.getOrDefault("message", "").strip();
		if (text.isEmpty() || text.length() > 200) {
			throw new org.springframework.web.server.ResponseStatusException(
					org.springframework.http.HttpStatus.BAD_REQUEST, "A message has 1 to 200 characters");
		}
		long receivers = this.publisher.publish(Notification.CHANNEL, Notification.message(text));
		return Map.of("instancesReached", receivers);
	}

}
