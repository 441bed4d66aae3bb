package dev.redispatterns.cache;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionSynchronizationUtils;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RedisTest
class CacheWriteThroughTests {

	private final RedisDeployment redis;

	private CacheEngine engine;

	private CacheWriteThrough writeThrough;

	private final AtomicReference<String> database = new AtomicReference<>("old");

	CacheWriteThroughTests(RedisDeployment redis) {
		this.redis = redis;
	}

	@BeforeEach
	void start() {
		this.redis.flushAll();
		this.engine = new CacheEngine(this.redis, CachePolicy.defaults());
		this.writeThrough = new CacheWriteThrough(this.engine.manager);
		this.engine.cache("rows").put("1", "old");
	}

	@AfterEach
	void stop() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.clearSynchronization();
		}
		this.engine.close();
	}

	@Test
	void updateWritesTheSourceThenTheCache() {
		String saved = this.writeThrough.update("rows", "1", () -> {
			this.database.set("new");
			return "new";
		});
		assertThat(saved).isEqualTo("new");
		assertThat(this.engine.cache("rows").get("1").get()).isEqualTo("new");
	}

	@Test
	void aFailedSourceUpdateLeavesTheCacheAlone() {
		IllegalStateException failure = new IllegalStateException("constraint violated");
		assertThatThrownBy(() -> this.writeThrough.update("rows", "1", () -> {
			throw failure;
		})).isSameAs(failure);
		assertThat(this.engine.cache("rows").get("1").get()).isEqualTo("old");
	}

	@Test
	void removeDeletesFromTheSourceThenEvicts() {
		this.writeThrough.remove("rows", "1", () -> this.database.set(null));
		assertThat(this.database.get()).isNull();
		assertThat(this.engine.cache("rows").get("1")).isNull();
	}

	@Test
	void insideATransactionTheCacheIsUpdatedOnlyAfterTheCommit() {
		TransactionSynchronizationManager.initSynchronization();
		this.writeThrough.update("rows", "1", () -> "uncommitted");
		assertThat(this.engine.cache("rows").get("1").get()).as("before the commit").isEqualTo("old");
		TransactionSynchronizationUtils.triggerAfterCommit();
		assertThat(this.engine.cache("rows").get("1").get()).isEqualTo("uncommitted");
	}

	@Test
	void aRolledBackTransactionNeverReachesTheCache() {
		TransactionSynchronizationManager.initSynchronization();
		this.writeThrough.update("rows", "1", () -> "rolled back");
		TransactionSynchronizationManager.clearSynchronization();
		assertThat(this.engine.cache("rows").get("1").get()).isEqualTo("old");
	}

	@Test
	void anUnknownCacheIsAnError() {
		try (CacheEngine strict = new CacheEngine(this.redis, CachePolicy.defaults(), (builder) -> builder.dynamic(false))) {
			CacheWriteThrough helper = new CacheWriteThrough(strict.manager);
			assertThatThrownBy(() -> helper.update("nope", "1", () -> {
				this.database.set("touched");
				return "x";
			})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
			assertThat(this.database.get()).as("checked before the source is touched").isEqualTo("old");
		}
	}

}
