package dev.redispatterns.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.test.FaultyProxy;
import dev.redispatterns.test.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault-injection suite: one application using every pattern works through network faults (injected
 * by a {@link FaultyProxy} between it and Redis) and server faults, one after the other, without a
 * restart. For each fault and pattern it checks the documented failure behaviour (caches serve from the
 * method, rate limits fail open or closed, locks fail closed with increasing fencing tokens, streams lose
 * nothing Redis confirmed), that no operation outlives its timeout plus a margin, and that every pattern
 * recovers by itself; it measures the recovery and writes the fault × pattern table to
 * {@code target/reliability/faults.md} (copied into docs/operations.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("redis")
class FaultInjectionTests {

	static final Path REPORT = Path.of("target", "reliability", "faults.md");

	private static final Duration WINDOW = Duration.ofSeconds(2);

	private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

	private final FaultReport report = new FaultReport();

	private RedisServerProcess redis;

	private FaultyProxy proxy;

	private ConfigurableApplicationContext context;

	private int runs;

	@BeforeAll
	void start() {
		this.redis = FaultCatalogue.startServer();
		this.proxy = FaultyProxy.to(this.redis);
		this.context = ReliabilityApplication.start(this.proxy.springProperties());
	}

	@AfterAll
	void stop() {
		try {
			this.report.write(REPORT, settings());
		}
		finally {
			if (this.context != null) {
				this.context.close();
			}
			this.proxy.close();
			this.redis.close();
		}
	}

	private static String settings() {
		return "Settings: `redis.patterns.command-timeout=" + ReliabilityApplication.COMMAND_TIMEOUT.toMillis()
				+ "ms`, `redis.patterns.cache.timeout=" + ReliabilityApplication.COMMAND_TIMEOUT.toMillis()
				+ "ms`, `spring.data.redis.timeout=" + ReliabilityApplication.REDIS_TIMEOUT.toMillis()
				+ "ms`, `redis.patterns.lock.watchdog.lease=1s`; lock attempts wait up to 200 ms. Each fault lasts "
				+ WINDOW.toSeconds() + " s while the application keeps working; recovery is measured from the end of "
				+ "the fault to the first normal operation (a cache hit, a rate-limit decision made by Redis, a lock "
				+ "acquired, a published entry consumed, a session saved and read back). Times come from a small "
				+ "shared machine.";
	}

	@TestFactory
	Stream<DynamicTest> everyPatternKeepsItsPromisesThroughEveryFault() {
		return new FaultCatalogue(this.redis, this.proxy).all(WINDOW)
			.stream()
			.map((fault) -> DynamicTest.dynamicTest(fault.name(), () -> run(fault)));
	}

	private void run(Fault fault) throws Exception {
		String run = "run" + (++this.runs);
		List<PatternLoad> patterns = loads(run);
		for (PatternLoad pattern : patterns) {
			pattern.before();
		}
		Map<PatternLoad, Observations> observed = new LinkedHashMap<>();
		patterns.forEach((pattern) -> observed.put(pattern, new Observations()));
		ExecutorService workers = Executors.newCachedThreadPool();
		try {
			fault.injection().inject();
			long end = System.nanoTime() + fault.window().toNanos();
			List<CompletableFuture<Void>> running = new ArrayList<>();
			for (PatternLoad pattern : patterns) {
				for (int i = 0; i < pattern.threads(); i++) {
					running.add(CompletableFuture.runAsync(() -> {
						while (System.nanoTime() < end) {
							pattern.once(observed.get(pattern));
						}
					}, workers));
				}
			}
			try {
				CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
					.get(fault.window().toSeconds() + 20, TimeUnit.SECONDS);
			}
			finally {
				fault.injection().heal();
			}
			long healed = System.nanoTime();
			Map<PatternLoad, CompletableFuture<Duration>> recoveries = new LinkedHashMap<>();
			for (PatternLoad pattern : patterns) {
				recoveries.put(pattern, CompletableFuture.supplyAsync(() -> recover(pattern, healed), workers));
			}
			for (PatternLoad pattern : patterns) {
				Duration recovery = recoveries.get(pattern).get(RECOVERY_BOUND.toSeconds() + 10,
						TimeUnit.SECONDS);
				Observations observations = observed.get(pattern);
				if (recovery == null) {
					observations.violation("did not recover within " + RECOVERY_BOUND.toSeconds() + " s");
					recovery = RECOVERY_BOUND;
				}
				pattern.verifyAfter(observations, RECOVERY_BOUND);
				this.report.add(fault, pattern.name(), observations, recovery);
			}
		}
		finally {
			workers.shutdownNow();
		}
		List<String> violations = new ArrayList<>();
		observed.forEach((pattern, observations) -> observations.violations()
			.forEach((violation) -> violations.add(pattern.name() + ": " + violation)));
		assertThat(violations).as("broken promises during " + fault.name()).isEmpty();
		observed.forEach((pattern, observations) -> assertThat(observations.operations())
			.as(pattern.name() + " kept working during " + fault.name()).isPositive());
		checkEffect(fault, observed);
	}

	/** Fresh loads for every fault, so that what one fault left behind is not judged under the next. */
	private List<PatternLoad> loads(String run) {
		Duration timeout = ReliabilityApplication.COMMAND_TIMEOUT;
		return List.of(new PatternLoad.Cache(this.context, timeout), new PatternLoad.RateLimit(this.context, timeout),
				new PatternLoad.Lock(this.context, timeout), new PatternLoad.Stream(this.context, timeout, run),
				new PatternLoad.Sessions(this.context, ReliabilityApplication.REDIS_TIMEOUT));
	}

	/** The fault must have reached the application as the expectation says, or the test proves nothing. */
	private static void checkEffect(Fault fault, Map<PatternLoad, Observations> observed) {
		Observations rateLimit = observed.entrySet()
			.stream()
			.filter((entry) -> entry.getKey() instanceof PatternLoad.RateLimit)
			.findFirst()
			.orElseThrow()
			.getValue();
		Observations cache = observed.entrySet()
			.stream()
			.filter((entry) -> entry.getKey() instanceof PatternLoad.Cache)
			.findFirst()
			.orElseThrow()
			.getValue();
		long degraded = rateLimit.count("open ERROR_OPEN") + rateLimit.count("closed ERROR_CLOSED");
		switch (fault.expectation()) {
			case TRANSPARENT -> observed.forEach((pattern, observations) -> assertThat(observations.errorCount())
				.as(pattern.name() + " saw no error during " + fault.name())
				.isZero());
			case SLOWER -> assertThat(degraded).as("degraded decisions during " + fault.name())
				.isLessThanOrEqualTo(rateLimit.operations() / 10);
			case DEGRADED -> assertThat(degraded).as("rate limits fell back during " + fault.name()).isPositive();
			case WRITES_REFUSED -> {
				assertThat(degraded).as("rate limits (scripts that write) fell back during " + fault.name())
					.isPositive();
				assertThat(cache.count("served from Redis")).as("cache reads still served during " + fault.name())
					.isPositive();
			}
			case BLIP -> {
				// only the invariants
			}
		}
	}

	/** Time from the end of the fault until the pattern works normally, or null if it never does. */
	private static Duration recover(PatternLoad pattern, long healed) {
		long deadline = healed + RECOVERY_BOUND.toNanos();
		while (System.nanoTime() < deadline) {
			try {
				if (pattern.recovered()) {
					return Duration.ofNanos(System.nanoTime() - healed);
				}
			}
			catch (RuntimeException ex) {
				// not yet
			}
			PatternLoad.sleep(20);
		}
		return null;
	}

}
