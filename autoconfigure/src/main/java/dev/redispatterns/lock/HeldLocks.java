package dev.redispatterns.lock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The handles one manager holds now, for diagnostics (the actuator endpoint); cheap to add and remove. */
final class HeldLocks {

	private final Set<RedisLockHandle> handles = ConcurrentHashMap.newKeySet();

	void add(RedisLockHandle handle) {
		this.handles.add(handle);
	}

	/** The handle no longer holds its lock (released or lost). */
	void remove(RedisLockHandle handle) {
		this.handles.remove(handle);
	}

	/** How many are held now (not released, not known to be lost). */
	int count() {
		int count = 0;
		for (RedisLockHandle handle : this.handles) {
			if (handle.isHeld()) {
				count++;
			}
		}
		return count;
	}

	/** Those held now, longest held first. */
	List<HeldLock> describe() {
		long now = System.nanoTime();
		List<HeldLock> locks = new ArrayList<>();
		for (RedisLockHandle handle : this.handles) {
			if (handle.isHeld()) {
				locks.add(handle.describe(now));
			}
		}
		locks.sort(Comparator.comparing(HeldLock::heldFor).reversed());
		return locks;
	}

	/** An operator freed the exclusive lock of {@code token} in Redis: its handle here lost it. */
	void forceReleased(String token) {
		for (RedisLockHandle handle : this.handles) {
			if (handle.target.type == LockType.EXCLUSIVE && handle.token.equals(token)) {
				handle.forceReleased();
			}
		}
	}

}
