package dev.redispatterns.sample;

import org.springframework.boot.SpringApplication;

/**
 * Starts the shop for development with a Redis provided automatically: a Testcontainers container when
 * Docker is reachable, a local {@code redis-server} process otherwise. Run it with
 * {@code ./mvnw -pl sample-app -am spring-boot:test-run}, then open http://localhost:8080/. When any
 * {@code spring.data.redis} connection property is given ({@code host}, {@code port}, {@code url}, cluster
 * nodes, sentinel master), that Redis is used instead.
 */
public class TestSampleApplication {

	public static void main(String[] args) {
		SpringApplication.from(SampleApplication::main).with(DevelopmentRedisConfiguration.class).run(args);
	}

}
