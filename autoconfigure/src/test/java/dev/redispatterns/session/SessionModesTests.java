package dev.redispatterns.session;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code redis.patterns.session.flush-mode} and {@code .save-mode}, each value by what a second application
 * instance on the same Redis sees: when changes reach Redis, and which attributes a save writes back over
 * another instance's newer values.
 */
@RedisTest
class SessionModesTests {

	private final RedisDeployment redis;

	private final WebApplicationContextRunner runner;

	SessionModesTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = SessionTestApplication.runner(redis);
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@Test
	void flushModeOnSaveWritesChangesOnlyWhenTheSessionIsSaved() {
		this.runner.run((a) -> this.runner.run((b) -> {
			RedisPatternsSessionRepository first = repository(a);
			RedisPatternsSessionRepository second = repository(b);
			RedisPatternsSession session = first.createSession();
			session.setAttribute("note", "draft");
			assertThat(second.findById(session.getId())).as("nothing in Redis before the save").isNull();
			first.save(session);
			RedisPatternsSession saved = second.findById(session.getId());
			assertThat(saved).isNotNull();
			session.setAttribute("note", "changed");
			assertThat(second.findById(session.getId()).<String>getAttribute("note")).isEqualTo("draft");
			first.save(session);
			assertThat(second.findById(session.getId()).<String>getAttribute("note")).isEqualTo("changed");
		}));
	}

	@Test
	void flushModeImmediateWritesEveryChangeAtOnce() {
		WebApplicationContextRunner immediate = this.runner
			.withPropertyValues("redis.patterns.session.flush-mode=immediate");
		immediate.run((a) -> immediate.run((b) -> {
			RedisPatternsSessionRepository first = repository(a);
			RedisPatternsSessionRepository second = repository(b);
			RedisPatternsSession session = first.createSession();
			assertThat(second.findById(session.getId())).as("in Redis once created").isNotNull();
			session.setAttribute("note", "draft");
			assertThat(second.findById(session.getId()).<String>getAttribute("note")).as("no save needed")
				.isEqualTo("draft");
			session.removeAttribute("note");
			assertThat(second.findById(session.getId()).<String>getAttribute("note")).isNull();
		}));
	}

	@Test
	void saveModeOnSetAttributeWritesBackOnlyWhatWasSet() {
		assertThat(afterConcurrentRequests("on-set-attribute"))
			.as("the other instance's newer values survive what was only read or not touched")
			.isEqualTo(new Values("other", "other", "mine"));
	}

	@Test
	void saveModeOnGetAttributeAlsoWritesBackWhatWasRead() {
		assertThat(afterConcurrentRequests("on-get-attribute")).as("the value read is written back, stale")
			.isEqualTo(new Values("original", "other", "mine"));
	}

	@Test
	void saveModeAlwaysWritesBackEveryAttribute() {
		assertThat(afterConcurrentRequests("always")).as("every attribute is written back, stale")
			.isEqualTo(new Values("original", "original", "mine"));
	}

	/**
	 * Two instances load one session; the other instance changes {@code read} and {@code untouched} and saves;
	 * then this one reads {@code read}, sets {@code set} and saves. Returns what Redis holds afterwards.
	 */
	private Values afterConcurrentRequests(String saveMode) {
		WebApplicationContextRunner runner = this.runner.withPropertyValues("redis.patterns.session.save-mode=" + saveMode);
		Values[] result = new Values[1];
		runner.run((a) -> runner.run((b) -> {
			RedisPatternsSessionRepository mine = repository(a);
			RedisPatternsSessionRepository other = repository(b);
			RedisPatternsSession created = mine.createSession();
			created.setAttribute("read", "original");
			created.setAttribute("untouched", "original");
			mine.save(created);
			String id = created.getId();

			RedisPatternsSession here = mine.findById(id);
			RedisPatternsSession there = other.findById(id);
			there.setAttribute("read", "other");
			there.setAttribute("untouched", "other");
			other.save(there);
			assertThat(here.<String>getAttribute("read")).as("loaded before the other save").isEqualTo("original");
			here.setAttribute("set", "mine");
			mine.save(here);

			RedisPatternsSession stored = other.findById(id);
			result[0] = new Values(stored.getAttribute("read"), stored.getAttribute("untouched"),
					stored.getAttribute("set"));
		}));
		return result[0];
	}

	private static RedisPatternsSessionRepository repository(org.springframework.context.ApplicationContext context) {
		return context.getBean(RedisPatternsSessionRepository.class);
	}

	private record Values(String read, String untouched, String set) {
	}

}
