package dev.redispatterns.sample;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Outside the development profile the shop has no fallback session secret and refuses the published one:
 * a start without {@code SHOP_SESSION_SECRET}, or with the development secret, fails naming what to set.
 */
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
