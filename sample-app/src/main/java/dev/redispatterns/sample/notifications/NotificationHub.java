package dev.redispatterns.sample.notifications;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.redispatterns.messaging.PubSubListener;

/**
 * Pushes notifications to the browsers connected to this instance. Every instance subscribes to the
 * channel, so a browser sees what happened on any instance. Pub/sub is at most once: a notification sent
 * while this instance reconnects to Redis is missed, which is fine for a live feed (the orders themselves
 * travel on a stream).
 */
@Component
public class NotificationHub {

	private static final Log logger = LogFactory.getLog(NotificationHub.class);

	private static final long TIMEOUT = Duration.ofMinutes(30).toMillis();

	private final List<SseEmitter> browsers = new CopyOnWriteArrayList<>();

	/** A new Server-Sent Events connection. */
	public SseEmitter connect() {
		SseEmitter emitter = new SseEmitter(TIMEOUT);
		this.browsers.add(emitter);
		emitter.onCompletion(() -> this.browsers.remove(emitter));
		emitter.onTimeout(() -> this.browsers.remove(emitter));
		emitter.onError((failure) -> this.browsers.remove(emitter));
		try {
			emitter.send(SseEmitter.event().comment("connected"));
		}
		catch (IOException ex) {
			this.browsers.remove(emitter);
		}
		return emitter;
	}

	@PubSubListener(Notification.CHANNEL)
	void onNotification(Notification notification) {
		for (SseEmitter browser : this.browsers) {
			try {
				browser.send(SseEmitter.event().name("notification").data(notification));
			}
			catch (IOException | IllegalStateException ex) {
				this.browsers.remove(browser);
				logger.debug("Browser went away: " + ex.getMessage());
			}
		}
	}

	/** Browsers connected to this instance. */
	public int connected() {
		return this.browsers.size();
	}

	/** Ends open event streams first, so a graceful shutdown does not wait for them. */
	@EventListener(ContextClosedEvent.class)
	void closeAll() {
		this.browsers.forEach(SseEmitter::complete);
		this.browsers.clear();
	}

}
