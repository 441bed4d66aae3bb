package dev.redispatterns.lock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @DistributedLock} across two application instances sharing one Redis, for every topology.
 */
@Tag("portable")
@RedisTopologies
class DistributedLockInstancesContractTests {

	private final ApplicationContextRunner runner;

	DistributedLockInstancesContractTests(RedisDeployment redis) {
		redis.flushAll();
		this.runner = LockApplications.runner(redis);
	}

	@Test
	void mutualExclusionAcrossTwoApplicationContexts() {
		LockedService.COUNTER[0] = 0;
		ApplicationContextRunner services = this.runner.withUserConfiguration(LockApplications.Services.class);
		services.run((a) -> services.run((b) -> {
			LockedService[] instances = { a.getBean(LockedService.class), b.getBean(LockedService.class) };
			ExecutorService pool = Executors.newFixedThreadPool(8);
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < 8; t++) {
					LockedService service = instances[t % 2];
					futures.add(pool.submit(() -> {
						for (int i = 0; i < 25; i++) {
							service.increment();
						}
						return null;
					}));
				}
				for (Future<?> future : futures) {
					future.get(2, TimeUnit.MINUTES);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(LockedService.COUNTER[0]).as("no lost updates").isEqualTo(8 * 25);
		}));
	}

	@Test
	void nonFairModeKeepsMutualExclusionAndRisingFencesAcrossTwoApplicationContexts() {
		LockedService.COUNTER[0] = 0;
		LockedService.FENCES.clear();
		ApplicationContextRunner services = this.runner.withUserConfiguration(LockApplications.Services.class)
			.withPropertyValues("redis.patterns.lock.fair=false");
		services.run((a) -> services.run((b) -> {
			LockedService[] instances = { a.getBean(LockedService.class), b.getBean(LockedService.class) };
			ExecutorService pool = Executors.newFixedThreadPool(8);
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < 8; t++) {
					LockedService service = instances[t % 2];
					futures.add(pool.submit(() -> {
						for (int i = 0; i < 25; i++) {
							service.incrementFenced();
						}
						return null;
					}));
				}
				for (Future<?> future : futures) {
					future.get(2, TimeUnit.MINUTES);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(LockedService.COUNTER[0]).as("no lost updates").isEqualTo(8 * 25);
			assertThat(LockedService.FENCES).as("fencing tokens rise with every acquisition").hasSize(8 * 25)
				.isSorted()
				.doesNotHaveDuplicates();
			assertThat(((RedisLockManager) a.getBean(LockManager.class)).settings().fair()).isFalse();
			assertThat(((RedisLockManager) a.getBean(LockManager.class)).openGates()).isZero();
			assertThat(((RedisLockManager) b.getBean(LockManager.class)).openGates()).isZero();
		}));
	}

	@Test
	void scheduledJobRunsOnOneInstancePerTick() {
		ReportJob.EXECUTIONS.clear();
		ApplicationContextRunner scheduled = this.runner.withUserConfiguration(LockApplications.Scheduled.class);
		scheduled.run((a) -> scheduled.run((b) -> Eventually.await("four ticks ran", java.time.Duration.ofSeconds(15),
				() -> ReportJob.EXECUTIONS.size() >= 4)));
		List<Long> runs = new ArrayList<>(ReportJob.EXECUTIONS);
		runs.sort(null);
		for (int i = 1; i < runs.size(); i++) {
			assertThat(TimeUnit.NANOSECONDS.toMillis(runs.get(i) - runs.get(i - 1)))
				.as("runs of different ticks, never two runs of one tick (%s)", runs)
				.isGreaterThan(500);
		}
	}

}
