package dev.redispatterns.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.redispatterns.test.RedisDeployment.Topology;

/**
 * Runs a test class once per topology, each run against its own set-up, as {@link RedisTest} gives it:
 * shown as {@code [standalone]}, {@code [sentinel]}, {@code [cluster]}. Every run is a run of the whole
 * class ({@code @BeforeAll}, static state, instances), so a contract is written once and holds on every
 * topology. A test for one topology only is annotated {@link EnabledOnTopology}. Tagged {@code redis}, like
 * {@link RedisTest}. {@code -Dredis.topologies=standalone} (a comma list) keeps every such class to those runs.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ClassTemplate
@Tag("redis")
@ExtendWith(RedisExtension.class)
public @interface RedisTopologies {

	/** The topologies the class runs on, in this order. */
	Topology[] value() default { Topology.STANDALONE, Topology.SENTINEL, Topology.CLUSTER };

	/**
	 * The topologies on which the class gets local processes of its own, which it may stop, kill, pause or
	 * fail over ({@link RedisTest#process()}).
	 */
	Topology[] process() default {};

}
