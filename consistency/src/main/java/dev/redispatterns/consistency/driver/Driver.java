package dev.redispatterns.consistency.driver;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.redispatterns.consistency.check.CacheChecker;
import dev.redispatterns.consistency.check.CheckResult;
import dev.redispatterns.consistency.check.Checker;
import dev.redispatterns.consistency.check.LockChecker;
import dev.redispatterns.consistency.check.MessagingChecker;
import dev.redispatterns.consistency.check.RateLimitChecker;
import dev.redispatterns.consistency.check.RateLimitChecker.Policy;
import dev.redispatterns.consistency.check.SessionChecker;
import dev.redispatterns.consistency.history.FaultWindow;
import dev.redispatterns.consistency.history.Handled;
import dev.redispatterns.consistency.history.History;
import dev.redispatterns.consistency.history.Op;
import dev.redispatterns.consistency.history.Status;
import dev.redispatterns.consistency.history.Times;

/**
 * The consistency run: starts Redis (standalone through one {@link dev.redispatterns.test.FaultyProxy} per
 * application, Sentinel or Cluster), the shared database, and several application JVMs in parallel; drives
 * randomized operations from a seed while a fault schedule runs; lets the listeners drain; checks the
 * history with one checker per pattern and writes the report. {@code --self-check} runs the broken
 * variants instead and requires every checker to catch its one.
 */
public final class Driver {

	static final Map<String, Policy> POLICIES = Policy.of("fw", new Policy("fixed-window", 5, 1000, 0, 0), "sl",
			new Policy("sliding-log", 4, 1000, 0, 0), "tb", new Policy("token-bucket", 0, 0, 5, 2.0));

	static final long CACHE_TTL_MILLIS = 20_000;

	/** Operations a short run has at least (the load is extended on a busy machine). */
	static final int MIN_OPERATIONS = 20_000;

	/** {@code redis.patterns.cache.timeout} of the applications. */
	static final long CACHE_TIMEOUT_MILLIS = 500;

	private static final String STREAM_DEAD_LETTERS = "rp:msg:{stream:events}:dead-letter";

	private static final String QUEUE_DEAD_LETTERS = "rp:msg:{queue:jobs}:dead-letter";

	private final Options options;

	/** Dead letters seen so far, by stream key, then entry id (time-based, so never reused after a restart). */
	private final Map<String, Map<String, String>> deadLetterEntries = new java.util.concurrent.ConcurrentHashMap<>();

	private Driver(Options options) {
		this.options = options;
	}

	public static void main(String[] args) {
		Options options = Options.parse(args);
		int code;
		try {
			code = new Driver(options).run();
		}
		catch (RuntimeException ex) {
			ex.printStackTrace();
			System.out.println("consistency: run failed: " + ex);
			code = 2;
		}
		System.out.flush();
		Runtime.getRuntime().halt(code);
	}

	private int run() {
		Path folder = this.options.out().resolve(LocalDate.now() + "-" + this.options.seed()
				+ (this.options.selfCheck() ? "-self-check" : ""));
		List<String> topologies = this.options.full() ? List.of("standalone", "sentinel", "cluster")
				: List.of(this.options.topology());
		Set<String> patterns = new HashSet<>();
		Set<String> faults = new HashSet<>();
		long operations = 0;
		long anomalies = 0;
		List<CheckResult> selfCheckResults = new ArrayList<>();
		StringBuilder summary = new StringBuilder();
		for (String topology : topologies) {
			Path runFolder = (topologies.size() > 1) ? folder.resolve(topology) : folder;
			RunResult result = runOnce(topology, runFolder);
			result.history().ops().forEach((op) -> patterns.add(op.pattern()));
			result.history().faults().forEach((fault) -> faults.add(fault.name()));
			operations += result.history().ops().size();
			anomalies += Report.total(result.results());
			selfCheckResults.addAll(result.results());
			summary.append("\n## ").append(topology).append("\n\n").append(Report.table(result.history(), result.results()));
		}
		System.out.println(summary);
		System.out.println("results: " + folder);
		if (this.options.selfCheck()) {
			return SelfCheck.judge(selfCheckResults);
		}
		System.out.println("consistency: " + patterns.size() + " patterns, " + faults.size() + " faults, " + operations
				+ " operations, " + anomalies + " anomalies");
		return (this.options.strict() && anomalies > 0) ? 1 : 0;
	}

	private RunResult runOnce(String topologyName, Path folder) {
		RunClock clock = new RunClock();
		this.deadLetterEntries.clear();
		int appCount = this.options.apps();
		log("starting " + topologyName + " Redis");
		ExecutorService background = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "driver");
			thread.setDaemon(true);
			return thread;
		});
		List<AppProcess> apps = new ArrayList<>();
		try (Topology topology = Topology.start(topologyName, appCount); DatabaseServer database = new DatabaseServer(clock)) {
			apps.addAll(startApps(topology, database, folder));
			Runtime.getRuntime().addShutdownHook(new Thread(() -> apps.forEach(AppProcess::destroy)));
			Recorder recorder = new Recorder(clock);
			Random random = new Random(this.options.seed());
			List<Fault> schedule = this.options.selfCheck() ? List.of() : schedule(topology, apps, random);
			long loadMillis = this.options.selfCheck() ? 40_000 : this.options.durationSeconds() * 1000L;
			long end = clock.now() + loadMillis * 1_000_000L;
			java.util.concurrent.atomic.AtomicLong loadEnd = new java.util.concurrent.atomic.AtomicLong(end);
			log("load for " + loadMillis / 1000 + " s, " + (this.options.full() ? "fault rounds until it ends"
					: schedule.size() + " faults") + ", seed " + this.options.seed());
			List<Future<?>> workers = new ArrayList<>();
			for (Runnable worker : new Workloads(recorder, clock, apps, this.options.seed(), !this.options.selfCheck()).workers(loadEnd)) {
				workers.add(background.submit(worker));
			}
			List<FaultWindow> windows = Collections.synchronizedList(new ArrayList<>());
			topology.watch(clock);
			Future<?> faults = background.submit(() -> runFaults(topology, schedule, clock, end, windows, background));
			await(faults, loadMillis + 120_000, "fault schedule");
			extendUntilEnoughOperations(recorder, clock, loadEnd);
			long loadEndTime = loadEnd.get();
			for (Future<?> worker : workers) {
				await(worker, Math.max(0, (loadEndTime - clock.now()) / 1_000_000L) + 30_000, "load worker");
			}
			log(recorder.size() + " operations; letting the listeners drain");
			List<Op> ops = recorder.ops();
			Drained drained = drain(recorder, apps, topology, ops, clock);
			List<String> whereabouts = Whereabouts.of(topology.dataNodes(), missing(ops, drained));
			whereabouts.forEach((line) -> log("not handled nor dead-lettered: " + line));
			windows.addAll(topology.observedFaults());
			History history = new History(ops, database.events(), List.copyOf(windows), drained.handled(),
					drained.deadLetters(), clock.wallClockAtZero(), loadEndTime);
			List<CheckResult> results = checkers().stream().map((checker) -> checker.check(history)).toList();
			String replay = "consistency/run.sh --seed " + this.options.seed()
					+ (topologyName.equals("standalone") ? "" : " --topology " + topologyName)
					+ (this.options.selfCheck() ? " --self-check" : "");
			String header = "# Consistency run, seed " + this.options.seed() + ", " + topologyName + ", "
					+ (this.options.selfCheck() ? "self-check (broken implementations)" : "faults") + "\n\n" + appCount
					+ " application JVMs, " + ops.size() + " operations over " + (loadEndTime - end + loadMillis * 1_000_000L) / 1_000_000_000L + " s; replay: `"
					+ replay + "`.\n\nFaults:\n\n" + windows.stream()
						.map((w) -> "- " + Times.seconds(w.start()) + " .. " + Times.seconds(w.end()) + " " + w.name() + " ("
								+ w.target() + ")")
						.reduce("", (a, b) -> a + b + "\n")
					+ (whereabouts.isEmpty() ? "" : "\nAccepted messages neither handled nor dead-lettered, and where Redis "
							+ "holds them at the end:\n\n" + whereabouts.stream().map((line) -> "- " + line + "\n")
								.reduce("", String::concat));
			Report.write(folder, history, results, header, replay);
			System.out.println(Report.anomalies(history, results, replay, this.options.selfCheck() ? 0 : 12));
			return new RunResult(history, results);
		}
		finally {
			apps.forEach(AppProcess::destroy);
			background.shutdownNow();
		}
	}

	/**
	 * On a machine busier than planned the paced workers fall behind: the load (without faults) goes on in
	 * 5 s steps, at most 45 s, until the run has {@link #MIN_OPERATIONS} operations (not in the self-check).
	 */
	private void extendUntilEnoughOperations(Recorder recorder, RunClock clock, java.util.concurrent.atomic.AtomicLong end) {
		while (clock.now() < end.get()) {
			AppProcess.sleep(Math.max(1, Math.min(1000, (end.get() - clock.now()) / 1_000_000L)));
		}
		if (this.options.selfCheck() || this.options.full()) {
			return;
		}
		long limit = end.get() + 45_000_000_000L;
		while (recorder.size() < MIN_OPERATIONS && end.get() < limit) {
			log(recorder.size() + " operations so far; load extended by 5 s");
			end.addAndGet(5_000_000_000L);
			AppProcess.sleep(5000);
		}
	}

	static List<Checker> checkers() {
		return List.of(new LockChecker(), new RateLimitChecker(POLICIES), new CacheChecker(CACHE_TTL_MILLIS, 10, CACHE_TIMEOUT_MILLIS),
				new MessagingChecker("stream"), new MessagingChecker("queue"), new SessionChecker());
	}

	private List<AppProcess> startApps(Topology topology, DatabaseServer database, Path folder) {
		String classpath = System.getProperty("java.class.path");
		List<AppProcess> apps = new ArrayList<>();
		try {
			java.nio.file.Files.createDirectories(folder);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		for (int i = 0; i < this.options.apps(); i++) {
			List<String> properties = new ArrayList<>(topology.springProperties(i));
			properties.add("consistency.db-url=" + database.url());
			properties.add("consistency.broken=" + this.options.selfCheck());
			properties.add("consistency.clock-skew-ms=" + (i * 1000L / this.options.apps()));
			properties.add("redis.patterns.cache.caches.items.ttl=" + CACHE_TTL_MILLIS + "ms");
			properties.add("redis.patterns.cache.timeout=" + CACHE_TIMEOUT_MILLIS + "ms");
			POLICIES.forEach((name, policy) -> {
				String prefix = "redis.patterns.rate-limit.policies." + name + ".";
				properties.add(prefix + "algorithm=" + policy.algorithm());
				if (policy.algorithm().equals("token-bucket")) {
					properties.add(prefix + "capacity=" + policy.capacity());
					properties.add(prefix + "refill-rate=" + policy.refillPerSecond());
				}
				else {
					properties.add(prefix + "limit=" + policy.limit());
					properties.add(prefix + "window=" + policy.window() + "ms");
				}
			});
			apps.add(AppProcess.start("app" + (i + 1), freePort(), classpath, properties,
					folder));
		}
		log("started " + apps.size() + " application JVMs; waiting until they answer");
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
		for (AppProcess app : apps) {
			if (!app.awaitReady(deadline)) {
				String tail = app.logTail();
				apps.forEach(AppProcess::destroy);
				throw new IllegalStateException(app.name() + " did not start within 150 s (killed); log tail:\n" + tail);
			}
		}
		log("applications ready");
		return apps;
	}

	private List<Fault> schedule(Topology topology, List<AppProcess> apps, Random random) {
		List<Fault> faults = new ArrayList<>(topology.faults(random));
		AppProcess victim = apps.get(random.nextInt(apps.size()));
		faults.add(new Fault("app JVM SIGSTOP", victim.name(), 3000, false, false, victim::freeze, victim::thaw));
		Collections.shuffle(faults, random);
		if (topology instanceof Topology.Standalone standalone) {
			faults.add(standalone.restartWithoutPersistence());
		}
		if (this.options.full()) {
			List<Fault> repeated = new ArrayList<>();
			// Rounds until the load ends (the schedule stops at the first fault that no longer fits).
			for (int round = 0; round < 100; round++) {
				List<Fault> copy = new ArrayList<>(faults);
				if (round > 0) {
					Collections.shuffle(copy, random);
				}
				repeated.addAll(copy);
			}
			return repeated;
		}
		return faults;
	}

	private void runFaults(Topology topology, List<Fault> schedule, RunClock clock, long end,
			List<FaultWindow> windows, ExecutorService background) {
		AppProcess.sleep(6000);
		long gap = 4000;
		for (Fault fault : schedule) {
			if (clock.now() + (fault.millis() + gap + 4000) * 1_000_000L > end) {
				log("no time left for " + fault.name());
				break;
			}
			snapshotDeadLetters(topology);
			long start = clock.now();
			Future<?> injection = background.submit(() -> {
				fault.inject().run();
				return null;
			});
			await(injection, fault.millis() + 15_000, "inject " + fault.name());
			long remaining = fault.millis() - (clock.now() - start) / 1_000_000L;
			if (remaining > 0) {
				AppProcess.sleep(remaining);
			}
			Future<?> healing = background.submit(() -> {
				fault.heal().run();
				return null;
			});
			await(healing, 30_000, "heal " + fault.name());
			long healed = clock.now();
			windows.add(new FaultWindow(fault.name(), fault.target(), start, healed, fault.redisSide(), fault.losesState()));
			log("fault " + fault.name() + " (" + fault.target() + ") " + Times.seconds(start) + " .. " + Times.seconds(healed));
			AppProcess.sleep(gap);
		}
	}

	private static void await(Future<?> future, long millis, String what) {
		try {
			future.get(millis, TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.TimeoutException ex) {
			future.cancel(true);
			log(what + " did not finish within " + millis + " ms: cancelled");
		}
		catch (java.util.concurrent.ExecutionException ex) {
			log(what + " failed: " + ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static final Pattern MESSAGE = Pattern.compile("[sq]\\d+(?::flaky|:poison)?");

	/**
	 * Waits (at most 40 s) until every accepted message was handled or dead-lettered, or nothing changed for
	 * 12 s, then collects what every listener handled and what every dead-letter stream holds.
	 */
	private Drained drain(Recorder recorder, List<AppProcess> apps, Topology topology, List<Op> ops, RunClock clock) {
		Set<String> accepted = new HashSet<>();
		ops.stream().filter((op) -> op.pattern().equals("stream") || op.pattern().equals("queue"))
			.filter((op) -> op.status() == Status.OK)
			.forEach((op) -> accepted.add(op.key()));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(this.options.selfCheck() ? 25 : 40);
		int previous = -1;
		long unchangedSince = System.nanoTime();
		Drained drained = collect(recorder, apps, topology);
		while (System.nanoTime() < deadline) {
			Set<String> done = new HashSet<>();
			drained.handled().forEach((handled) -> done.add(handled.message()));
			drained.deadLetters().values().forEach(done::addAll);
			long missing = accepted.stream().filter((message) -> !done.contains(message)).count();
			if (missing == 0) {
				break;
			}
			if (done.size() != previous) {
				previous = done.size();
				unchangedSince = System.nanoTime();
			}
			else if (System.nanoTime() - unchangedSince > TimeUnit.SECONDS.toNanos(12)) {
				break;
			}
			AppProcess.sleep(2000);
			drained = collect(recorder, apps, topology);
		}
		return drained;
	}

	/** Accepted stream and queue messages that no listener handled and no dead-letter stream holds (at most 50). */
	private static List<String> missing(List<Op> ops, Drained drained) {
		Set<String> done = new HashSet<>();
		drained.handled().forEach((handled) -> done.add(handled.message()));
		drained.deadLetters().values().forEach(done::addAll);
		return ops.stream()
			.filter((op) -> op.pattern().equals("stream") || op.pattern().equals("queue"))
			.filter((op) -> op.status() == Status.OK)
			.map(Op::key)
			.filter((message) -> !done.contains(message))
			.distinct()
			.limit(50)
			.toList();
	}

	private Drained collect(Recorder recorder, List<AppProcess> apps, Topology topology) {
		List<Handled> handled = new ArrayList<>();
		for (AppProcess app : apps) {
			try {
				for (String line : recorder.get(app, "/messages/handled").split("\n")) {
					String[] parts = line.split(" ");
					if (parts.length == 4) {
						handled.add(new Handled(parts[0], parts[1], parts[2], Long.parseLong(parts[3]), app.name()));
					}
				}
			}
			catch (Exception ex) {
				log("could not collect handled messages of " + app.name() + ": " + ex);
			}
		}
		Map<String, List<String>> dead = new LinkedHashMap<>();
		dead.put("stream", deadLetters(topology, STREAM_DEAD_LETTERS));
		dead.put("queue", deadLetters(topology, QUEUE_DEAD_LETTERS));
		return new Drained(handled, dead);
	}

	/**
	 * The messages in a dead-letter stream. Every snapshot is merged into {@code seen} (by entry id), so dead
	 * letters that a restart without persistence wipes later still count.
	 */
	private List<String> deadLetters(Topology topology, String key) {
		Map<String, String> seen = this.deadLetterEntries.computeIfAbsent(key, (k) -> new java.util.concurrent.ConcurrentHashMap<>());
		try {
			for (Object entry : (List<?>) topology.command("XRANGE", key, "-", "+")) {
				String id = String.valueOf(((List<?>) entry).get(0));
				List<?> fields = (List<?>) ((List<?>) entry).get(1);
				for (int i = 0; i + 1 < fields.size(); i += 2) {
					if ("payload".equals(String.valueOf(fields.get(i)))) {
						Matcher matcher = MESSAGE.matcher(String.valueOf(fields.get(i + 1)));
						if (matcher.find()) {
							seen.put(id, matcher.group());
						}
					}
				}
			}
		}
		catch (RuntimeException ex) {
			log("could not read " + key + ": " + ex);
		}
		return new ArrayList<>(seen.values());
	}

	private void snapshotDeadLetters(Topology topology) {
		deadLetters(topology, STREAM_DEAD_LETTERS);
		deadLetters(topology, QUEUE_DEAD_LETTERS);
	}

	private static int freePort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	static void log(String message) {
		System.out.println("[consistency] " + message);
		System.out.flush();
	}

	record RunResult(History history, List<CheckResult> results) {
	}

	record Drained(List<Handled> handled, Map<String, List<String>> deadLetters) {
	}

	/** Command-line options of {@code run.sh}. */
	record Options(long seed, boolean selfCheck, boolean full, boolean strict, String topology, int apps,
			int durationSeconds, Path out) {

		static Options parse(String[] args) {
			long seed = System.currentTimeMillis() % 100_000;
			boolean selfCheck = false;
			boolean full = false;
			boolean strict = false;
			String topology = "standalone";
			int apps = 3;
			Integer duration = null;
			Path out = Path.of("consistency", "results");
			for (int i = 0; i < args.length; i++) {
				switch (args[i]) {
					case "--seed" -> seed = Long.parseLong(args[++i]);
					case "--self-check" -> selfCheck = true;
					case "--full" -> full = true;
					case "--strict" -> strict = true;
					case "--topology" -> topology = args[++i];
					case "--apps" -> apps = Integer.parseInt(args[++i]);
					case "--duration" -> duration = Integer.parseInt(args[++i]);
					case "--out" -> out = Path.of(args[++i]);
					default -> throw new IllegalArgumentException("unknown option " + args[i]);
				}
			}
			if (apps < 3) {
				throw new IllegalArgumentException("--apps must be at least 3");
			}
			int seconds = (duration != null) ? duration : (full ? 300 : 95);
			return new Options(seed, selfCheck, full, strict, topology, apps, seconds, out);
		}

	}


}
