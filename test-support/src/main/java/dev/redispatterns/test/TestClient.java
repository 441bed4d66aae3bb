package dev.redispatterns.test;

import java.util.Arrays;
import java.util.Locale;

/**
 * The Redis client the tests of this JVM run on: Lettuce unless {@code -Dtest.redis.client=jedis},
 * which the build's Jedis run sets so that the contract suites run on both clients.
 */
public enum TestClient {

	LETTUCE, JEDIS;

	/** The client chosen for this JVM. */
	public static TestClient current() {
		String name = System.getProperty("test.redis.client", "lettuce");
		return valueOf(name.trim().toUpperCase(Locale.ROOT));
	}

	/** {@code properties} plus the {@code spring.data.redis.client-type} that selects this client. */
	public String[] withClientType(String... properties) {
		if (this == LETTUCE) {
			return properties;
		}
		String[] all = Arrays.copyOf(properties, properties.length + 1);
		all[properties.length] = "spring.data.redis.client-type=jedis";
		return all;
	}

}
