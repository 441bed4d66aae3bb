package dev.redispatterns.benchmarks.e2e;

import java.time.Duration;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.benchmarks.harness.CellContext;

/**
 * {@code @DistributedLock(key = "#name")} on a bean method of a Boot application, with the starter's
 * defaults: 5 s wait, watchdog lease, fair hand-off (or {@code redis.patterns.lock.fair=false}).
 */
public final class AnnotatedLock implements LockedCall {

	private final ConfigurableApplicationContext application;

	private final PublicPathService service;

	private final ThreadLocal<long[]> acquiredAt = ThreadLocal.withInitial(() -> new long[1]);

	public AnnotatedLock(CellContext context, boolean fair) {
		this(fair ? PublicPathApplication.start(context)
				: PublicPathApplication.start(context, "redis.patterns.lock.fair=false"));
	}

	/** The starter's defaults (fair) in an application on Jedis: the starter in portable mode. */
	public static AnnotatedLock onJedis(CellContext context) {
		return new AnnotatedLock(PublicPathApplication.startOnJedis(context));
	}

	private AnnotatedLock(ConfigurableApplicationContext application) {
		this.application = application;
		this.service = this.application.getBean(PublicPathService.class);
	}

	@Override
	public long call(String name, Duration maxWait) {
		return this.service.locked(name, this.acquiredAt.get());
	}

	@Override
	public void close() {
		this.application.close();
	}

}
