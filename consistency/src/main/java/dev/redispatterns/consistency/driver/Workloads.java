package dev.redispatterns.consistency.driver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The randomized operations, one loop per worker thread, each with its own {@link Random} derived from the
 * run's seed: which pattern, application, key and operation come next is reproducible; how they interleave
 * with each other and with the faults is real concurrency, recorded as it happened.
 */
final class Workloads {

	static final Duration TIMEOUT = Duration.ofSeconds(3);

	static final Duration LOCK_TIMEOUT = Duration.ofSeconds(6);

	static final int CACHE_KEYS = 16;

	static final int USERS = 8;

	static final int BURST_PUBLISHERS = 4;

	static final int BURST_SIZE = 60;

	static final long BURST_EVERY_SECONDS = 20;

	private final Recorder recorder;

	private final RunClock clock;

	private final List<AppProcess> apps;

	private final long seed;

	private final AtomicLong messages = new AtomicLong();

	private final boolean bursts;

	/**
	 * @param bursts whether to publish stream bursts (off in the self-check, so that only the broken trimming
	 * can lose stream entries there)
	 */
	Workloads(Recorder recorder, RunClock clock, List<AppProcess> apps, long seed, boolean bursts) {
		this.bursts = bursts;
		this.recorder = recorder;
		this.clock = clock;
		this.apps = apps;
		this.seed = seed;
	}

	/** The worker loops, each running until {@code end} (driver time, which the driver may extend). */
	List<Runnable> workers(java.util.concurrent.atomic.AtomicLong end) {
		List<Runnable> workers = new ArrayList<>();
		int index = 0;
		for (int i = 0; i < 3; i++) {
			Random random = new Random(this.seed * 1000 + index++);
			workers.add(() -> loop(end, 40, random, this::cacheOp));
		}
		for (int i = 0; i < 3; i++) {
			Random random = new Random(this.seed * 1000 + index++);
			workers.add(() -> loop(end, 45, random, this::rateLimitOp));
		}
		for (int i = 0; i < 3; i++) {
			Random random = new Random(this.seed * 1000 + index++);
			workers.add(() -> loop(end, 12, random, this::lockOp));
		}
		Random streams = new Random(this.seed * 1000 + index++);
		workers.add(() -> loop(end, 12, streams, (random) -> publishOp(random, "stream")));
		for (int i = 0; i < (this.bursts ? BURST_PUBLISHERS : 0); i++) {
			Random bursts = new Random(this.seed * 1000 + index++);
			workers.add(() -> bursts(end, bursts));
		}
		Random queues = new Random(this.seed * 1000 + index++);
		workers.add(() -> loop(end, 12, queues, (random) -> publishOp(random, "queue")));
		Random sessions = new Random(this.seed * 1000 + index);
		Map<String, List<String[]>> cookies = new HashMap<>();
		workers.add(() -> loop(end, 25, sessions, (random) -> sessionOp(random, cookies)));
		return workers;
	}

	private void loop(java.util.concurrent.atomic.AtomicLong end, int perSecond, Random random,
			java.util.function.Consumer<Random> op) {
		long interval = (perSecond > 0) ? 1_000_000_000L / perSecond : 0;
		long next = this.clock.now();
		while (this.clock.now() < end.get() && !Thread.currentThread().isInterrupted()) {
			op.accept(random);
			next += interval;
			long wait = next - this.clock.now();
			if (wait > 0) {
				AppProcess.sleep(wait / 1_000_000);
			}
			else {
				next = this.clock.now();
			}
		}
	}

	/**
	 * Every {@link #BURST_EVERY_SECONDS} s, {@link #BURST_PUBLISHERS} threads publish {@link #BURST_SIZE}
	 * stream messages each as fast as they can: faster than the listeners handle them, so the group falls
	 * more entries behind than the stream's {@code max-length} and trimming must not drop what it has not
	 * acknowledged.
	 */
	private void bursts(java.util.concurrent.atomic.AtomicLong end, Random random) {
		long next = this.clock.now() + BURST_EVERY_SECONDS * 1_000_000_000L / 2;
		while (this.clock.now() < end.get() && !Thread.currentThread().isInterrupted()) {
			long wait = next - this.clock.now();
			if (wait > 0) {
				AppProcess.sleep(Math.min(wait / 1_000_000, 1000));
				continue;
			}
			for (int i = 0; i < BURST_SIZE && this.clock.now() < end.get(); i++) {
				publishOp(random, "stream");
			}
			next += BURST_EVERY_SECONDS * 1_000_000_000L;
		}
	}

	private AppProcess app(Random random) {
		return this.apps.get(random.nextInt(this.apps.size()));
	}

	private void cacheOp(Random random) {
		String key = "c" + random.nextInt(CACHE_KEYS);
		int dice = random.nextInt(100);
		String type = (dice < 80) ? "read" : (dice < 90) ? "put" : "evict";
		long id = this.recorder.nextId();
		this.recorder.call(id, "cache", app(random), type, key, "/cache/" + type, TIMEOUT, null, null, "key", key);
	}

	private void rateLimitOp(Random random) {
		String[] policies = { "fw", "sl", "tb" };
		String policy = policies[random.nextInt(policies.length)];
		String key = "k" + random.nextInt(2);
		long id = this.recorder.nextId();
		this.recorder.call(id, "ratelimit", app(random), policy, key, "/rl", TIMEOUT, null, null, "policy", policy, "key",
				key);
	}

	/**
	 * Lock {@code L1} is renewed by the watchdog; {@code L2} has a fixed 300 ms lease that a critical section
	 * of up to 500 ms sometimes outlives, so lease loss (and its report to the holder) is exercised without
	 * any fault.
	 */
	private void lockOp(Random random) {
		boolean watchdog = random.nextBoolean();
		String name = watchdog ? "L1" : "L2";
		long hold = watchdog ? random.nextInt(120) : random.nextInt(500);
		long id = this.recorder.nextId();
		this.recorder.call(id, "lock", app(random), "cs", name, "/lock", LOCK_TIMEOUT, null, null, "name", name, "hold",
				Long.toString(hold), "lease", watchdog ? "0" : "300");
	}

	private void publishOp(Random random, String kind) {
		long n = this.messages.incrementAndGet();
		int dice = random.nextInt(100);
		String message = kind.charAt(0) + Long.toString(n) + ((dice < 3) ? ":poison" : (dice < 13) ? ":flaky" : "");
		long id = this.recorder.nextId();
		String path = kind.equals("stream") ? "/stream/publish" : "/queue/enqueue";
		this.recorder.call(id, kind, app(random), "publish", message, path, TIMEOUT, null, null, "message", message);
	}

	/** Sign-ins, requests with any of the user's sessions (old ones too) and sign-outs everywhere. */
	private void sessionOp(Random random, Map<String, List<String[]>> cookies) {
		String user = "u" + random.nextInt(USERS);
		List<String[]> known = cookies.computeIfAbsent(user, (k) -> new ArrayList<>());
		int dice = random.nextInt(100);
		long id = this.recorder.nextId();
		if (known.isEmpty() || dice < 20) {
			Recorder.Reply reply = this.recorder.call(id, "session", app(random), "login", user, "/session/login",
					TIMEOUT, null, null, "user", user);
			if (reply.op().ok() && reply.setCookie() != null) {
				// The login's value is the session it created, so requests can name it.
				known.add(new String[] { reply.setCookie() });
				if (known.size() > 6) {
					known.remove(0);
				}
				this.recorder.relabel(reply.op(), reply.setCookie());
			}
		}
		else if (dice < 92) {
			String cookie = known.get(random.nextInt(known.size()))[0];
			this.recorder.call(id, "session", app(random), "me", user, "/session/me", TIMEOUT, cookie, cookie);
		}
		else {
			this.recorder.call(id, "session", app(random), "signout", user, "/session/signout-everywhere", TIMEOUT, null,
					null, "user", user);
		}
	}

}
