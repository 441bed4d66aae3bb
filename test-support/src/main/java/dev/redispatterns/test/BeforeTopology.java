package dev.redispatterns.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A static method of a {@link RedisTopologies} class run before each topology's run of the class, where a plain
 * class has {@code @BeforeAll} (which, on a class template, runs once before all the runs). Its parameters are
 * resolved as a test method's: a {@link RedisDeployment} parameter receives the run's set-up.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface BeforeTopology {

}
