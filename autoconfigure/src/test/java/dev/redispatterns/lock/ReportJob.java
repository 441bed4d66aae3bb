package dev.redispatterns.lock;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.scheduling.annotation.Scheduled;

/** A job scheduled every second on every instance; the lock lets one instance run each tick. */
public class ReportJob {

	static final List<Long> EXECUTIONS = new CopyOnWriteArrayList<>();

	@Scheduled(cron = "* * * * * *")
	@DistributedLock(skipIfLocked = true, holdAtLeast = "800ms")
	public void run() {
		EXECUTIONS.add(System.nanoTime());
	}

}
