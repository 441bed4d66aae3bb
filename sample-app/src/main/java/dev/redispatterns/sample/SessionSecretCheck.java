package dev.redispatterns.sample;

import java.util.Set;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Refuses to start with a session secret that is published — the development one in
 * {@code application.yml} — unless the {@code dev} profile is active:
 * anyone who knows the secret can compute where every session lives in Redis.
 */
@Component
class SessionSecretCheck {

	static final String PROPERTY = "redis.patterns.session.key-hashing.secret";

	/** Secrets anyone can read: the development profile's. */
	static final Set<String> PUBLISHED = Set.of("local-development-secret-0123456789abcdef");

	SessionSecretCheck(Environment environment) {
		String secret = environment.getProperty(PROPERTY);
		if (secret != null && PUBLISHED.contains(secret) && !environment.acceptsProfiles(Profiles.of("dev"))) {
			throw new IllegalStateException(PROPERTY + " is a published development secret; set SHOP_SESSION_SECRET "
					+ "to >= 32 random characters, the same on every instance (or run with the profile 'dev')");
		}
	}

}
