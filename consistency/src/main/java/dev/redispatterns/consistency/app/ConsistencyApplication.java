package dev.redispatterns.consistency.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * The application under test: one of several identical JVMs that the driver starts against one Redis. It
 * uses the starter only through its public contract — Spring's cache annotations backed by the starter's
 * {@code CacheManager}, {@code RateLimiter}, {@code LockManager} with fencing tokens, the stream and queue
 * publishers and listeners, Spring Session with {@code UserSessions} — and answers the driver's operations
 * over HTTP. With {@code consistency.broken=true} each pattern is replaced by a deliberately broken variant
 * (see {@link Broken}), so the self-check can prove that every checker catches it.
 */
@SpringBootApplication
@EnableCaching
public class ConsistencyApplication {

	public static void main(String[] args) {
		SpringApplication.run(ConsistencyApplication.class, args);
	}

}
