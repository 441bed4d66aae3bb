package dev.redispatterns.session;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.test.web.servlet.MockMvc;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * "Sign out everywhere" while Redis refuses writes: ended sessions must leave the user's index only after they
 * ended, so a failed call loses nothing and a retry ends them; with maxmemory and noeviction it succeeds, as
 * deleting is allowed. Two instances: the sessions are made on both, revoked on one, checked on both.
 */
@RedisTest
class SessionRevocationFailureTests {

	private final RedisDeployment redis;

	private final WebApplicationContextRunner runner;

	SessionRevocationFailureTests(RedisDeployment redis) {
		this.redis = redis;
		// Spring Data's own command timeout bounds the writes Spring Session makes while Redis is paused
		this.runner = SessionTestApplication.runner(redis).withPropertyValues("spring.data.redis.timeout=2s");
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@Test
	void signOutEverywhereEndsEverySessionWhileRedisIsOutOfMemory() {
		this.runner.run((a) -> this.runner.run((b) -> {
			MockMvc first = SessionTestApplication.mvc(a);
			MockMvc second = SessionTestApplication.mvc(b);
			List<Browser> alice = signIn("alice", first, second);
			this.redis.command("CONFIG", "SET", "maxmemory-policy", "noeviction");
			this.redis.command("CONFIG", "SET", "maxmemory", "1");
			int revoked;
			try {
				revoked = b.getBean(UserSessions.class).revokeAll("alice");
			}
			finally {
				this.redis.command("CONFIG", "SET", "maxmemory", "0");
			}
			assertThat(revoked).isEqualTo(4);
			assertSignedOut(alice, first, second);
			assertThat(a.getBean(UserSessions.class).list("alice")).isEmpty();
			assertThat(this.redis.command("EXISTS", "rp:session:principal:alice")).isEqualTo(0L);
		}));
	}

	@Test
	void aFailedSignOutEverywhereLeavesTheSessionsListedSoARetryEndsThem() {
		this.runner.run((a) -> this.runner.run((b) -> {
			MockMvc first = SessionTestApplication.mvc(a);
			MockMvc second = SessionTestApplication.mvc(b);
			List<Browser> alice = signIn("alice", first, second);
			Browser bob = new Browser();
			bob.post(first, "/login", "user", "bob");
			UserSessions sessions = b.getBean(UserSessions.class);
			// as in a running application, whatever scripts revoking uses are cached on the server
			assertThat(sessions.revokeAll("nobody")).isZero();
			// reads are served, every write waits: the first session cannot be ended
			this.redis.command("CLIENT", "PAUSE", "60000", "WRITE");
			Throwable failure;
			try {
				failure = catchThrowable(() -> sessions.revokeAll("alice"));
			}
			finally {
				this.redis.command("CLIENT", "UNPAUSE");
			}
			assertThat(failure).as("the caller learns of the failure").isNotNull();
			assertThat(a.getBean(UserSessions.class).list("alice")).as("still listed")
				.hasSizeGreaterThanOrEqualTo(3);
			// the writes held by the pause may have ended the first session by now; the others are live
			assertThat(sessions.revokeAll("alice")).isBetween(3, 4);
			assertSignedOut(alice, first, second);
			assertThat(sessions.list("alice")).isEmpty();
			assertThat(sessions.revokeAll("alice")).isZero();
			assertThat(bob.get(second, "/me")).isEqualTo("bob");
			assertThat(failure).isInstanceOf(SessionRevocationException.class)
				.satisfies((ex) -> assertThat(((SessionRevocationException) ex).remaining()).isEqualTo(4));
		}));
	}

	private static List<Browser> signIn(String user, MockMvc first, MockMvc second) {
		List<Browser> browsers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			Browser browser = new Browser();
			browser.post((i % 2 == 0) ? first : second, "/login", "user", user);
			assertThat(browser.get(second, "/me")).isEqualTo(user);
			browsers.add(browser);
		}
		return browsers;
	}

	private static void assertSignedOut(List<Browser> browsers, MockMvc first, MockMvc second) {
		for (Browser browser : browsers) {
			assertThat(browser.get(first, "/me")).isEqualTo("anonymous");
			assertThat(browser.get(second, "/me")).isEqualTo("anonymous");
		}
	}

}
