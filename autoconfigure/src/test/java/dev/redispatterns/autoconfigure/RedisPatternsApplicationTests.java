package dev.redispatterns.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole application with nothing but the starter's classpath and {@code spring.data.redis.*}.
 */
@RedisTest
@ExtendWith(OutputCaptureExtension.class)
class RedisPatternsApplicationTests {

	@Test
	void bootsWithOnlyConnectionSettingsAndReportsHealth(RedisDeployment redis, CapturedOutput logs) {
		SpringApplication application = new SpringApplication(MinimalApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		String[] args = java.util.Arrays.stream(redis.springProperties()).map((p) -> "--" + p).toArray(String[]::new);
		try (ConfigurableApplicationContext context = application.run(args)) {
			assertThat(context.getBean(RedisConnector.class).isConnected()).isTrue();
			HealthDescriptor health = context.getBean(HealthEndpoint.class).healthForPath("redisPatterns");
			assertThat(health).isInstanceOf(IndicatedHealthDescriptor.class);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
		}
		assertThat(logs).as("no bean is created before the post-processors are in place")
			.doesNotContain("is not eligible for getting processed by all BeanPostProcessors");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class MinimalApplication {

	}

}
