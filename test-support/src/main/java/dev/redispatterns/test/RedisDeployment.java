package dev.redispatterns.test;

import java.time.Duration;
import java.util.List;

/**
 * A running Redis set-up given to a test: one server, a cluster or a sentinel group. It knows how to
 * describe itself to Spring Boot ({@code spring.data.redis.*}) and how to reset its data.
 */
public interface RedisDeployment {

	/** Kind of set-up, which decides the Spring properties and the client topology. */
	enum Topology {

		STANDALONE, CLUSTER, SENTINEL

	}

	Topology topology();

	/** Data nodes as {@code host:port}; for a cluster every master. */
	List<String> nodes();

	/** Host of the first data node. */
	String host();

	/** Port of the first data node. */
	int port();

	/** {@code redis://} URI of the first data node, for clients that take a URI. */
	default String uri() {
		return "redis://" + host() + ":" + port();
	}

	/** The {@code spring.data.redis.*} settings that point a Spring Boot application at this set-up. */
	String[] springProperties();

	/** Removes every key from every data node. */
	void flushAll();

	/** Runs an administrative command against the first data node (every master with {@link #onEveryMaster}). */
	default Object command(Object... args) {
		return RespClient.call(host(), port(), args);
	}

	/** Runs an administrative command on every master and returns the replies in node order. */
	List<Object> onEveryMaster(Object... args);

	/**
	 * Waits until the deployment serves from settled masters again, after a failover or a killed node (a
	 * single server has nothing to settle).
	 */
	default void awaitHealthy(Duration timeout) {
	}

}
