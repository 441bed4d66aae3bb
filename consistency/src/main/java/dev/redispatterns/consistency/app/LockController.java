package dev.redispatterns.consistency.app;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockNotAcquiredException;
import dev.redispatterns.lock.LockRequest;

/**
 * One critical section under a {@code LockManager} lock: claim the fenced register with the handle's
 * fencing token, write it twice around a pause of {@code hold} ms, then tell the register how the section
 * ended (whether the lock told the holder it was lost) and release.
 */
@RestController
public class LockController {

	private final LockManager locks;

	private final Database database;

	private final Broken broken;

	private final StringRedisTemplate redis;

	public LockController(LockManager locks, Database database, Broken broken, StringRedisTemplate redis) {
		this.locks = locks;
		this.database = database;
		this.broken = broken;
		this.redis = redis;
	}

	@PostMapping("/lock")
	public String criticalSection(@RequestParam String name, @RequestParam long op, @RequestParam long hold,
			@RequestParam(defaultValue = "0") long lease) throws InterruptedException {
		LockRequest options = LockRequest.waitFor(Duration.ofSeconds(1))
			.withLeaseTime((lease > 0) ? Duration.ofMillis(lease) : null);
		LockHandle handle;
		try {
			handle = this.locks.lock(name, options);
		}
		catch (LockNotAcquiredException ex) {
			return "refused";
		}
		AtomicBoolean lost = new AtomicBoolean();
		handle.onLost((lock) -> lost.set(true));
		long token = handle.fencingToken();
		int accepted = 0;
		boolean told;
		try {
			accepted += this.database.claim(name, token, op) ? 1 : 0;
			Thread.sleep(hold / 2);
			accepted += this.database.write(name, token, op) ? 1 : 0;
			Thread.sleep(hold - hold / 2);
			accepted += this.database.write(name, token, op) ? 1 : 0;
		}
		finally {
			told = lost.get() || !handle.isHeld();
			this.database.exit(name, token, op, told);
			handle.unlock();
			if (this.broken.enabled()) {
				// Broken: a release without the owner check deletes whoever holds the lock now.
				this.redis.delete("rp:lock:{" + name + "}");
			}
		}
		return "token=" + token + " accepted=" + accepted + " lost=" + told;
	}

}
