package dev.redispatterns.benchmarks.lock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;

/**
 * Spring Integration's {@code RedisLockRegistry} with its defaults (spin-lock mode: a local
 * {@code ReentrantLock} per name, then {@code SET NX} retried after a sleep while another JVM holds it).
 */
public final class SpringIntegrationLockSubject implements LockSubject {

	private final RedisConnectionFactory connectionFactory;

	private final RedisLockRegistry registry;

	public SpringIntegrationLockSubject(CellContext context) {
		this(Clients.springConnectionFactory(context));
	}

	/** The registry on Jedis ({@link Clients#jedisConnectionFactory}). */
	public static SpringIntegrationLockSubject onJedis(CellContext context) {
		return new SpringIntegrationLockSubject(Clients.jedisConnectionFactory(context));
	}

	private SpringIntegrationLockSubject(RedisConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
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
	public void close() throws Exception {
		this.registry.destroy();
		((DisposableBean) this.connectionFactory).destroy();
	}

}
