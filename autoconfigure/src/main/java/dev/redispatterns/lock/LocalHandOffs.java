package dev.redispatterns.lock;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Non-fair mode of exclusive locks. Threads of this instance that want a lock this instance already holds
 * or is acquiring wait here, in the JVM, instead of in Redis; a release passes the lock straight to the
 * first of them with one script run (a new fencing token, no wake-up through Redis). So only one thread
 * per lock name and instance waits in Redis, in the fair queue shared by all instances, and after
 * {@link LockManagerSettings#LOCAL_HAND_OFFS} passes in a row the next release serves a waiter queued there.
 * A gate exists only while a thread of this instance holds, acquires or waits for its lock.
 */
final class LocalHandOffs {

	static final int WAITING = 0;

	/** A releasing holder picked the waiter and is passing the lock on; the waiter can no longer leave. */
	static final int CLAIMED = 1;

	static final int PASSED = 2;

	/** The waiter is now the instance's contender: it acquires in Redis itself. */
	static final int TURN = 3;

	static final int CANCELLED = 4;

	private final ConcurrentHashMap<String, Gate> gates = new ConcurrentHashMap<>();

	/**
	 * Enters the gate of a lock name: the caller becomes the instance's contender (it acquires in Redis),
	 * or queues up behind the thread that is.
	 */
	Entry enter(String name, byte[] token, long leaseMillis) {
		while (true) {
			Gate gate = this.gates.computeIfAbsent(name, Gate::new);
			synchronized (gate) {
				if (gate.closed) {
					continue;
				}
				if (!gate.busy) {
					gate.busy = true;
					return new Entry(gate, null);
				}
				Local local = new Local(gate, token, leaseMillis);
				gate.waiters.add(local);
				return new Entry(gate, local);
			}
		}
	}

	/**
	 * Parks until the lock was passed to {@code local}, it is its turn to acquire in Redis, or the deadline
	 * passed (then it leaves the queue, unless a holder claimed it already: that outcome is awaited).
	 * @return {@link #PASSED}, {@link #TURN} or {@link #CANCELLED}
	 */
	int await(Local local, long deadline) {
		while (true) {
			int state = local.state;
			if (state == PASSED || state == TURN) {
				return state;
			}
			long remaining = deadline - System.nanoTime();
			if (state == WAITING && (remaining <= 0 || Thread.currentThread().isInterrupted())) {
				synchronized (local.gate) {
					if (local.state == WAITING) {
						local.gate.waiters.remove(local);
						local.state = CANCELLED;
						return CANCELLED;
					}
				}
				continue;
			}
			// a claimed waiter waits for the pass to finish (bounded by the command timeout)
			LockSupport.parkNanos(this, (state == CLAIMED) ? 1_000_000 : remaining);
		}
	}

	/**
	 * The holder releases: picks the first waiter to pass the lock to, or returns {@code null} when nobody
	 * waits here.
	 */
	@Nullable Claim claim(Gate gate) {
		synchronized (gate) {
			Local next = gate.waiters.poll();
			if (next == null) {
				return null;
			}
			next.state = CLAIMED;
			return new Claim(next, gate.streak >= LockManagerSettings.LOCAL_HAND_OFFS);
		}
	}

	/** The lock was passed to a claimed waiter with {@code fence}; the lease counts from {@code sent}. */
	void passed(Claim claim, long fence, long sent) {
		Local local = claim.local;
		synchronized (local.gate) {
			local.gate.streak++;
		}
		local.fence = fence;
		local.sent = sent;
		local.state = PASSED;
		LockSupport.unpark(local.thread);
	}

	/** The lock was not passed to a claimed waiter: it becomes the contender and acquires in Redis. */
	void notPassed(Claim claim) {
		Local local = claim.local;
		synchronized (local.gate) {
			local.gate.streak = 0;
		}
		local.state = TURN;
		LockSupport.unpark(local.thread);
	}

	/**
	 * The contender or holder leaves without passing the lock on (it was released to Redis, lost, or never
	 * acquired): the next waiter becomes the contender, or the gate closes.
	 */
	void leave(Gate gate) {
		synchronized (gate) {
			gate.streak = 0;
			Local next = gate.waiters.poll();
			if (next != null) {
				next.state = TURN;
				LockSupport.unpark(next.thread);
				return;
			}
			gate.busy = false;
			gate.closed = true;
			this.gates.remove(gate.name, gate);
		}
	}

	/** Gates open now, for tests. */
	int size() {
		return this.gates.size();
	}

	/** Threads waiting in the gate of {@code name}, for tests. */
	int waiting(String name) {
		Gate gate = this.gates.get(name);
		if (gate == null) {
			return 0;
		}
		synchronized (gate) {
			return gate.waiters.size();
		}
	}

	/** One lock name's local state; guarded by itself. */
	static final class Gate {

		final String name;

		boolean busy;

		boolean closed;

		int streak;

		final ArrayDeque<Local> waiters = new ArrayDeque<>();

		Gate(String name) {
			this.name = name;
		}

	}

	/** A thread waiting in the gate, with what a pass needs to hand it the lock. */
	static final class Local {

		final Gate gate;

		final Thread thread = Thread.currentThread();

		final byte[] token;

		final long leaseMillis;

		volatile int state = WAITING;

		volatile long fence;

		volatile long sent;

		Local(Gate gate, byte[] token, long leaseMillis) {
			this.gate = gate;
			this.token = token;
			this.leaseMillis = leaseMillis;
		}

	}

	/** @param local null when the caller is the contender */
	record Entry(Gate gate, @Nullable Local local) {
	}

	/** @param serveQueued whether waiters queued in Redis (other instances) go first now */
	record Claim(Local local, boolean serveQueued) {
	}

}
