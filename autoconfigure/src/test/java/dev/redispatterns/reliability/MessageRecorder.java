package dev.redispatterns.reliability;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.redispatterns.messaging.QueueListener;

/** A queue consumer that remembers the jobs it handled. */
public class MessageRecorder {

	public static final String QUEUE = "fault-jobs";

	private final Set<String> jobs = ConcurrentHashMap.newKeySet();

	@QueueListener(QUEUE)
	public void job(FaultEvent event) {
		this.jobs.add(event.id());
	}

	public boolean hasJob(String id) {
		return this.jobs.contains(id);
	}

}
