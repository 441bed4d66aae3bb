package dev.redispatterns.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.redispatterns.test.RedisDeployment.Topology;

/**
 * Gives a test class a real Redis. Declare a parameter of type {@link RedisDeployment} (or
 * {@link RedisServerProcess} / {@link RedisClusterProcesses}) on a constructor, a lifecycle method or a
 * test method to receive it.
 * <p>
 * Standalone servers are started per test class, so a test may stop or kill its server. The cluster and
 * the Sentinel set-up are started once per test JVM and flushed before every class that uses them (the
 * Sentinel replica too); with {@code process = true} a class gets its own cluster or Sentinel set-up,
 * which it may kill, pause or fail over. Standalone servers come from
 * Testcontainers when a Docker engine is reachable and {@code redis-server} processes otherwise;
 * {@code -Dredis.harness=process|docker} forces one. To run a class on several topologies, use
 * {@link RedisTopologies} instead. Tagged {@code redis}: {@code -DexcludedGroups=redis} leaves these classes out.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag("redis")
@ExtendWith(RedisExtension.class)
public @interface RedisTest {

	/** Which set-up the class gets. */
	Topology topology() default Topology.STANDALONE;

	/**
	 * Whether the class needs local processes of its own that it can stop, kill, pause or fail over: a
	 * standalone process even when Docker is available, or a cluster or Sentinel set-up not shared with
	 * other classes.
	 */
	boolean process() default false;

}
