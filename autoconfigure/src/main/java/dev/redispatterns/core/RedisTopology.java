package dev.redispatterns.core;

/**
 * How the application reaches Redis, as configured in {@code spring.data.redis.*}.
 */
public enum RedisTopology {

	STANDALONE, SENTINEL, CLUSTER;

	/** Lower-case name used in health details and logs. */
	public String id() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
