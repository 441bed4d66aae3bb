package dev.redispatterns.test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

import dev.redispatterns.test.RedisDeployment.Topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * {@link RedisTopologies} runs a class once per topology, each run against a set-up of that topology, and
 * {@link EnabledOnTopology} keeps a test to the runs it names.
 */
@Tag("redis")
class RedisTopologiesTests {

	static final Map<Topology, RedisDeployment> classDeployments = new ConcurrentHashMap<>();

	static final List<String> ran = new CopyOnWriteArrayList<>();

	@Test
	void theClassRunsOncePerTopologyAgainstItsSetUp() {
		classDeployments.clear();
		ran.clear();
		List<String> finished = new CopyOnWriteArrayList<>();
		List<String> skipped = new CopyOnWriteArrayList<>();
		LauncherFactory.create().execute(request().selectors(selectClass(Fixture.class)).build(),
				new TestExecutionListener() {

					@Override
					public void executionSkipped(TestIdentifier test, String reason) {
						skipped.add(test.getDisplayName() + ": " + reason);
					}

					@Override
					public void executionFinished(TestIdentifier test, TestExecutionResult result) {
						finished.add(test.getDisplayName() + " " + result.getStatus()
								+ result.getThrowable().map((ex) -> " " + ex).orElse(""));
					}

				});
		assertThat(finished).contains("[standalone] SUCCESSFUL", "[sentinel] SUCCESSFUL", "[cluster] SUCCESSFUL")
			.allMatch((line) -> line.contains("SUCCESSFUL"));
		assertThat(ran).containsExactly("beforeAll", "STANDALONE everyRun", "STANDALONE after", "SENTINEL everyRun",
				"SENTINEL after", "CLUSTER clusterOnly", "CLUSTER everyRun", "CLUSTER after");
		assertThat(skipped).containsExactly("clusterOnly(RedisDeployment): not on standalone, only on [cluster]",
				"clusterOnly(RedisDeployment): not on sentinel, only on [cluster]");
		assertThat(classDeployments).containsOnlyKeys(Topology.values());
		assertThat(classDeployments.get(Topology.STANDALONE)).as("own process on standalone")
			.isInstanceOf(RedisServerProcess.class);
	}

	@RedisTopologies(process = Topology.STANDALONE)
	@TestMethodOrder(MethodOrderer.MethodName.class)
	static class Fixture {

		private final RedisDeployment constructed;

		Fixture(RedisDeployment redis) {
			this.constructed = redis;
		}

		@BeforeAll
		static void once() {
			ran.add("beforeAll");
		}

		@BeforeTopology
		static void each(RedisDeployment redis) {
			classDeployments.put(redis.topology(), redis);
		}

		@AfterTopology
		static void afterEach(RedisDeployment redis) {
			ran.add(redis.topology() + " after");
		}

		@Test
		void everyRun(RedisDeployment redis) {
			assertThat(redis).isSameAs(classDeployments.get(redis.topology())).isSameAs(this.constructed);
			assertThat(redis.command("SET", "seen", "x")).isEqualTo("OK");
			ran.add(redis.topology() + " everyRun");
		}

		@Test
		@EnabledOnTopology(Topology.CLUSTER)
		void clusterOnly(RedisDeployment redis) {
			assertThat(redis.topology()).isEqualTo(Topology.CLUSTER);
			ran.add(redis.topology() + " clusterOnly");
		}

	}

}
