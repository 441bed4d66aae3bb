package dev.redispatterns.session;

import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.test.web.servlet.MockMvc;

import dev.redispatterns.test.RecordedLogs;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTopologies;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key hashing settings: the built-in key, turning hashing off, migrating sessions stored under raw ids,
 * and rotating the secret without signing everybody out.
 */
@ExtendWith(RecordedLogs.Extension.class)
@Tag("portable")
@RedisTopologies({ Topology.STANDALONE, Topology.CLUSTER })
class SessionKeyMigrationContractTests extends SessionContract {

	private static final String OTHER_SECRET = "another-secret-0123456789-abcdefghijklmn";

	SessionKeyMigrationContractTests(RedisDeployment redis) {
		super(redis, UnaryOperator.identity());
	}

	@Test
	void withoutASecretKeysAreStillOneWayHashesAndAWarningIsLogged(RecordedLogs output) {
		this.runner.withPropertyValues("redis.patterns.session.key-hashing.secret=").run((a) -> this.runner
			.withPropertyValues("redis.patterns.session.key-hashing.secret=")
			.run((b) -> {
				Browser browser = new Browser();
				browser.post(SessionTestApplication.mvc(a), "/put", "value", "shared");
				assertThat(browser.get(SessionTestApplication.mvc(b), "/get")).as("every instance agrees on the key")
					.isEqualTo("shared");
				assertThat(keys()).noneMatch((key) -> key.contains(browser.sessionId()));
				assertThat(output).contains("redis.patterns.session.key-hashing.secret is not set");
			}));
	}

	@Test
	void hashingOffStoresRawIdsAndWarns(RecordedLogs output) {
		this.runner.withPropertyValues("redis.patterns.session.key-hashing.enabled=false").run((context) -> {
			Browser browser = new Browser();
			browser.post(SessionTestApplication.mvc(context), "/put", "value", "v");
			assertThat(keys()).contains("rp:session:sessions:" + browser.sessionId());
			assertThat(output).contains("sessions are stored under their raw ids");
		});
	}

	@Test
	void sessionsStoredUnderRawIdsAreReadWhileMigrating() {
		this.runner.withPropertyValues("redis.patterns.session.key-hashing.enabled=false").run((legacy) -> {
			Browser browser = new Browser();
			browser.post(SessionTestApplication.mvc(legacy), "/put", "value", "before");
			this.runner.run((strict) -> assertThat(browser.get(SessionTestApplication.mvc(strict), "/get"))
				.isEqualTo("none"));
			this.runner.withPropertyValues("redis.patterns.session.key-hashing.accept-unhashed=true")
				.run((migrating) -> assertThat(browser.get(SessionTestApplication.mvc(migrating), "/get"))
					.isEqualTo("before"));
		});
	}

	@Test
	void whileMigratingAStoredKeyCannotBeUsedAsASessionCookie() {
		this.runner.withPropertyValues("redis.patterns.session.key-hashing.accept-unhashed=true").run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			Browser victim = new Browser();
			victim.post(mvc, "/login", "user", "victim");
			String storageId = context.getBean(UserSessions.class).list("victim").get(0).handle();
			Browser attacker = Browser.withSessionId(storageId);
			assertThat(attacker.get(mvc, "/me")).isEqualTo("anonymous");
			assertThat(victim.get(mvc, "/me")).isEqualTo("victim");
		});
	}

	@Test
	void rotatingTheSecretKeepsExistingSessionsAndMovesThemOnSignIn() throws Exception {
		Browser browser = new Browser();
		this.runner.run((old) -> browser.post(SessionTestApplication.mvc(old), "/login", "user", "ivy"));
		String oldKey = "rp:session:sessions:" + SessionWebContractTests.hmac(browser.sessionId());
		assertThat(keys()).contains(oldKey);
		WebApplicationContextRunner rotated = this.runner.withPropertyValues(
				"redis.patterns.session.key-hashing.secret=" + OTHER_SECRET,
				"redis.patterns.session.key-hashing.previous-secrets=" + SessionTestApplication.SECRET);
		rotated.run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			assertThat(browser.get(mvc, "/me")).isEqualTo("ivy");
			browser.post(mvc, "/login", "user", "ivy");
			assertThat(browser.get(mvc, "/me")).isEqualTo("ivy");
			assertThat(keys()).doesNotContain(oldKey)
				.contains("rp:session:sessions:" + context.getBean(UserSessions.class).handleOf(browser.sessionId()));
			assertThat(context.getBean(UserSessions.class).list("ivy")).hasSize(1);
		});
	}

	private List<String> keys() {
		return SessionWebContractTests.allKeys(this.redis);
	}

}
