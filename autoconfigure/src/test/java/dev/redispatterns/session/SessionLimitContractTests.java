package dev.redispatterns.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.test.web.servlet.MockMvc;

import dev.redispatterns.observability.SessionMetrics;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The maximum of concurrent sessions per user, in both policies, sequentially and under simultaneous
 * sign-ins on two instances.
 */
@Tag("portable")
@RedisTopologies
class SessionLimitContractTests extends SessionContract {

	SessionLimitContractTests(RedisDeployment redis) {
		super(redis, (runner) -> runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new));
	}

	@Test
	void signInBeyondTheLimitEndsTheLeastRecentlyUsedSession() {
		this.runner.withPropertyValues("redis.patterns.session.max-sessions-per-user=2").run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			Browser first = new Browser();
			Browser second = new Browser();
			Browser third = new Browser();
			first.post(mvc, "/login", "user", "alice");
			Thread.sleep(5);
			second.post(mvc, "/login", "user", "alice");
			Thread.sleep(5);
			assertThat(first.get(mvc, "/me")).as("used again: now the most recent").isEqualTo("alice");
			Thread.sleep(5);
			third.post(mvc, "/login", "user", "alice");
			assertThat(second.get(mvc, "/me")).as("least recently used").isEqualTo("anonymous");
			assertThat(first.get(mvc, "/me")).isEqualTo("alice");
			assertThat(third.get(mvc, "/me")).isEqualTo("alice");
			assertThat(context.getBean(UserSessions.class).list("alice")).hasSize(2);
			assertThat(context.getBean(MeterRegistry.class)
				.get(SessionMetrics.REVOCATIONS)
				.tag("reason", "limit")
				.counter()
				.count()).isEqualTo(1.0);
		});
	}

	@Test
	void signingInAgainInTheSameSessionDoesNotCountTwice() {
		this.runner.withPropertyValues("redis.patterns.session.max-sessions-per-user=1",
				"redis.patterns.session.when-limit-exceeded=refuse").run((context) -> {
					MockMvc mvc = SessionTestApplication.mvc(context);
					Browser browser = new Browser();
					assertThat(browser.post(mvc, "/login", "user", "bea")).isEqualTo("welcome bea");
					assertThat(browser.post(mvc, "/login", "user", "bea")).isEqualTo("welcome bea");
					assertThat(browser.get(mvc, "/me")).isEqualTo("bea");
					assertThat(context.getBean(UserSessions.class).list("bea")).hasSize(1);
				});
	}

	@Test
	void refusePolicyFailsTheSignInAndKeepsExistingSessions() {
		this.runner.withPropertyValues("redis.patterns.session.max-sessions-per-user=1",
				"redis.patterns.session.when-limit-exceeded=refuse").run((context) -> {
					MockMvc mvc = SessionTestApplication.mvc(context);
					Browser first = new Browser();
					Browser second = new Browser();
					first.post(mvc, "/login", "user", "carl");
					String answer = second.post(mvc, "/login", "user", "carl");
					assertThat(second.status).isEqualTo(409);
					assertThat(answer).contains("maximum of 1 concurrent sessions");
					assertThat(second.get(mvc, "/me")).isEqualTo("anonymous");
					assertThat(first.get(mvc, "/me")).isEqualTo("carl");
					assertThat(context.getBean(MeterRegistry.class)
						.get(SessionMetrics.REFUSALS)
						.tag("reason", "limit")
						.counter()
						.count()).isEqualTo(1.0);
					first.post(mvc, "/logout");
					assertThat(second.post(mvc, "/login", "user", "carl")).isEqualTo("welcome carl");
					assertThat(second.get(mvc, "/me")).isEqualTo("carl");
				});
	}

	@Test
	void evictionKeepsTheLimitUnderSimultaneousSignInsOnTwoInstances() {
		WebApplicationContextRunner limited = this.runner
			.withPropertyValues("redis.patterns.session.max-sessions-per-user=3");
		limited.run((a) -> limited.run((b) -> {
			List<Browser> browsers = signInConcurrently(SessionTestApplication.mvc(a), SessionTestApplication.mvc(b),
					"zoe", 24);
			long signedIn = browsers.stream().filter((browser) -> "zoe".equals(browser.get(SessionTestApplication.mvc(a), "/me"))).count();
			assertThat(signedIn).isEqualTo(3);
			assertThat(a.getBean(UserSessions.class).list("zoe")).hasSize(3);
		}));
	}

	@Test
	void refusalKeepsTheLimitUnderSimultaneousSignInsOnTwoInstances() {
		WebApplicationContextRunner limited = this.runner.withPropertyValues(
				"redis.patterns.session.max-sessions-per-user=2", "redis.patterns.session.when-limit-exceeded=refuse");
		limited.run((a) -> limited.run((b) -> {
			List<Browser> browsers = signInConcurrently(SessionTestApplication.mvc(a), SessionTestApplication.mvc(b),
					"yan", 24);
			long signedIn = browsers.stream().filter((browser) -> "yan".equals(browser.get(SessionTestApplication.mvc(b), "/me"))).count();
			assertThat(signedIn).isEqualTo(2);
			assertThat(b.getBean(UserSessions.class).list("yan")).hasSize(2);
		}));
	}

	private static List<Browser> signInConcurrently(MockMvc a, MockMvc b, String user, int count) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(count);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Browser> browsers = new ArrayList<>();
			List<Future<String>> answers = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				Browser browser = new Browser();
				MockMvc instance = (i % 2 == 0) ? a : b;
				browsers.add(browser);
				answers.add(pool.submit(() -> {
					start.await();
					return browser.post(instance, "/login", "user", user);
				}));
			}
			start.countDown();
			for (Future<String> answer : answers) {
				assertThat(answer.get(30, TimeUnit.SECONDS)).isNotEmpty();
			}
			return browsers;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
