package dev.redispatterns.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.ScanOptions;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RespClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every feature of the starter works as a Redis ACL user that may touch nothing but the starter's key
 * prefix and channels and run nothing but {@link #COMMANDS} — the line documented in docs/security.md. The
 * default user is switched off, so a connection that forgot to authenticate would fail instead of
 * silently running with full rights.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("redis")
class SecurityAclTests {

	/** The commands the starter needs, as documented in the ACL line of docs/security.md. */
	static final String COMMANDS = "+ping +info|server +info|memory +time +eval +evalsha "
			+ "+get +set +del +unlink +exists +incrby +append +pexpire +pexpireat +pttl +rename "
			+ "+hget +hset +hmset +hmget +hgetall +hdel +hincrby "
			+ "+lpush +rpush +rpop +llen +lrange +lrem +blmove +sadd +srem +scard "
			+ "+zadd +zcard +zcount +zincrby +zrange +zrangebyscore +zrank +zrem +zremrangebyrank +zremrangebyscore +zscore "
			+ "+pfadd +pfcount +pfmerge "
			+ "+xadd +xack +xautoclaim +xclaim +xgroup|create +xgroup|delconsumer +xinfo|consumers +xinfo|groups "
			+ "+xinfo|stream +xlen +xpending +xrange +xreadgroup +xtrim "
			+ "+publish +subscribe +unsubscribe +psubscribe +punsubscribe +spublish +ssubscribe +sunsubscribe";

	/** What clearing whole caches needs on top (documented, with the dedicated database it requires). */
	static final String CLEAR_COMMANDS = "+scan";

	private static final String PASSWORD = "app-secret-0123456789";

	private static final String ADMIN_PASSWORD = "admin-secret-0123456789";

	private RedisServerProcess redis;

	@BeforeAll
	void start() {
		this.redis = RedisServerProcess.start();
		admin("ACL", "SETUSER", "admin", "on", ">" + ADMIN_PASSWORD, "~*", "&*", "+@all");
		// the documented line, with this test's password and pub/sub channel
		List<Object> app = new ArrayList<>(List.of("ACL", "SETUSER", "app", "on", ">" + PASSWORD, "resetkeys", "~rp:*",
				"resetchannels", "&rp:*", "&" + NewsRecorder.CHANNEL, "-@all"));
		app.addAll(List.of((Object[]) COMMANDS.split(" ")));
		admin(app.toArray());
		List<Object> clearing = new ArrayList<>(app);
		clearing.set(2, "app-clearing");
		clearing.add(CLEAR_COMMANDS);
		admin(clearing.toArray());
		admin("ACL", "SETUSER", "default", "off");
	}

	@AfterAll
	void stop() {
		this.redis.close();
	}

	/** An administrative command as the admin user (as the default user until the admin user exists). */
	private Object admin(Object... command) {
		try (RespClient client = new RespClient(this.redis.host(), this.redis.port())) {
			try {
				client.command("AUTH", "admin", ADMIN_PASSWORD);
			}
			catch (RespClient.RedisErrorReply ex) {
				// the admin user is being created by this very command
			}
			return client.command(command);
		}
	}

	private ConfigurableApplicationContext application(String user, String password) {
		List<String> properties = new ArrayList<>(List.of(FeatureTour.PROPERTIES));
		properties.addAll(List.of("spring.data.redis.host=" + this.redis.host(),
				"spring.data.redis.port=" + this.redis.port(), "spring.data.redis.username=" + user,
				"spring.data.redis.password=" + password));
		return ReliabilityApplication.start(properties.toArray(String[]::new));
	}

	@Test
	void everyFeatureWorksAsTheRestrictedUserOnEveryConnection() throws Exception {
		admin("ACL", "LOG", "RESET");
		try (ConfigurableApplicationContext context = application("app", PASSWORD)) {
			try {
				new FeatureTour(context, false).run("acl");
			}
			catch (AssertionError | RuntimeException ex) {
				throw new AssertionError("A feature failed under the ACL user; ACL LOG: " + admin("ACL", "LOG", "10"), ex);
			}
			assertThat(admin("ACL", "LOG", "10")).as("nothing was denied").isEqualTo(List.of());
			String clients = (String) admin("CLIENT", "LIST", "TYPE", "normal");
			String pubsub = (String) admin("CLIENT", "LIST", "TYPE", "pubsub");
			List<String> users = new ArrayList<>();
			for (String line : (clients + pubsub).split("\n")) {
				if (!line.isBlank() && !line.contains("cmd=client|list")) {
					users.add(line.replaceAll(".* user=([^ ]+).*", "$1"));
				}
			}
			assertThat(users).as("connections opened by the application (shared, pub/sub, blocking readers)")
				.hasSizeGreaterThanOrEqualTo(3)
				.containsOnly("app");
		}
	}

	@Test
	void theSecurityPageDocumentsExactlyThisLine() throws Exception {
		String page = Files.readString(Path.of("..", "docs", "security.md"));
		String line = page.lines().filter((text) -> text.startsWith("ACL SETUSER app ")).findFirst().orElseThrow();
		assertThat(line).isEqualTo("ACL SETUSER app on >CHANGE-ME resetkeys ~rp:* resetchannels &rp:* &prices -@all "
				+ COMMANDS);
		assertThat(page).contains(SecurityAclClusterTests.CLUSTER_COMMANDS).contains("`" + CLEAR_COMMANDS + "`");
	}

	@Test
	void wholeCachesCanBeClearedWithTheDocumentedAddition() throws Exception {
		admin("ACL", "LOG", "RESET");
		try (ConfigurableApplicationContext context = application("app-clearing", PASSWORD)) {
			new FeatureTour(context).cache("acl-clearing");
			assertThat(admin("ACL", "LOG", "10")).as("nothing was denied").isEqualTo(List.of());
		}
	}

	@Test
	void theUserCanReachNothingBeyondThePrefixNorAdministerTheServer() {
		try (ConfigurableApplicationContext context = application("app", PASSWORD)) {
			RedisConnector connector = context.getBean(RedisConnector.class);
			admin("SET", "other:secret", "x");
			assertThatThrownBy(() -> connector.execute((c) -> c.stringCommands().get("other:secret".getBytes())))
				.isInstanceOf(RedisPatternsException.class)
				.hasMessageContaining("NOPERM");
			assertThatThrownBy(() -> connector.execute((c) -> { c.serverCommands().flushAll(); return null; }))
				.hasMessageContaining("NOPERM");
			assertThatThrownBy(() -> connector.execute((c) -> c.serverCommands().dbSize()))
				.hasMessageContaining("NOPERM");
			assertThatThrownBy(() -> connector.execute((c) -> c.keyCommands().keys("*".getBytes())))
				.hasMessageContaining("NOPERM");
			assertThatThrownBy(() -> connector.execute((c) -> c.publish("elsewhere".getBytes(), new byte[0])))
				.hasMessageContaining("NOPERM");
			// SCAN is not confined to ~rp:*, INFO keyspace counts every database's keys
			assertThatThrownBy(() -> connector.execute((c) -> c.keyCommands().scan(ScanOptions.NONE).hasNext())).hasMessageContaining("NOPERM");
			assertThatThrownBy(() -> connector.execute((c) -> c.serverCommands().info("keyspace"))).hasMessageContaining("NOPERM");
			assertThatThrownBy(() -> connector.execute((c) -> c.serverCommands().info())).hasMessageContaining("NOPERM");
			assertThatThrownBy(() -> context.getBean(CatalogService.class).clear())
				.as("a clear that cannot SCAN fails instead of clearing nothing")
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("SCAN");
		}
	}

}
