package dev.redispatterns.sample;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.test.context.aot.DisabledInAotMode;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Outside the development profile the shop has no fallback session secret and refuses the published one:
 * a start without {@code SHOP_SESSION_SECRET}, or with the development secret, fails naming what to set.
 */
// Starts the application with a test-only configuration class, which the main application's AOT
// processing cannot know; runs in the JVM build only (the AOT run covers the application's own start).
@DisabledInAotMode
@Tag("redis")
class SessionSecretTests {

	@Test
	void withoutASecretTheShopDoesNotStartOutsideDevelopment() {
		assertThatThrownBy(() -> start("--spring.profiles.active=production")).hasStackTraceContaining("SHOP_SESSION_SECRET");
	}

	@Test
	void thePublishedDevelopmentSecretIsRefusedOutsideDevelopment() {
		assertThatThrownBy(() -> start("--spring.profiles.active=production",
				"--redis.patterns.session.key-hashing.secret=local-development-secret-0123456789abcdef"))
			.hasStackTraceContaining("redis.patterns.session.key-hashing.secret")
			.hasStackTraceContaining("published development secret");
	}

	private static void start(String... args) {
		String[] all = new String[args.length + 2];
		System.arraycopy(args, 0, all, 0, args.length);
		all[args.length] = "--server.port=0";
		all[args.length + 1] = "--shop.jobs.daily-report.cron=-";
		SpringApplication.from(SampleApplication::main)
			.with(DevelopmentRedisConfiguration.class)
			.run(all)
			.getApplicationContext()
			.close();
	}

}
