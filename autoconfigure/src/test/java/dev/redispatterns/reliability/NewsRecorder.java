package dev.redispatterns.reliability;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.redispatterns.messaging.PubSubListener;

/** A pub/sub listener that remembers the messages it received. */
public class NewsRecorder {

	public static final String CHANNEL = "fault-news";

	private final Set<String> news = ConcurrentHashMap.newKeySet();

	@PubSubListener(CHANNEL)
	public void news(FaultEvent event) {
		this.news.add(event.id());
	}

	public boolean hasNews(String id) {
		return this.news.contains(id);
	}

}
