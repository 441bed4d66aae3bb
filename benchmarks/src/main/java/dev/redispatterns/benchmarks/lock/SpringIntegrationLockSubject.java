package dev.redispatterns.benchmarks.lock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;

/**
 * Spring Integration's {@code RedisLockRegistry} with its defaults (spin-lock mode: a local
 * {@code ReentrantLock} per name, then {@code SET NX} retried after a sleep while another JVM holds it).
 */
public final class SpringIntegrationLockSubject implements LockSubject {

	private final LettuceConnectionFactory connectionFactory;

	private final RedisLockRegistry registry;

	public SpringIntegrationLockSubject(CellContext context) {
		this.connectionFactory = Clients.springConnectionFactory(context);
		this.registry = new RedisLockRegistry(this.connectionFactory, "bench-locks");
	}

	@Override
	public @Nullable Object acquire(String name, Duration maxWait) throws InterruptedException {
		Lock lock = this.registry.obtain(name);
		return lock.tryLock(maxWait.toMillis(), TimeUnit.MILLISECONDS) ? lock : null;
	}

	@Override
	public void release(Object handle) {
		((Lock) handle).unlock();
	}

	@Override
	public void close() {
		this.registry.destroy();
		this.connectionFactory.destroy();
	}

}
