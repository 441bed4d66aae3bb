package dev.redispatterns.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.redispatterns.test.RedisDeployment.Topology;

/**
 * A test of a {@link RedisTopologies} class that runs only in the runs for these topologies; in the others
 * it is reported as skipped.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EnabledOnTopology {

	Topology[] value();

}
