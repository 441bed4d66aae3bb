package dev.redispatterns.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.test.web.servlet.MockMvc;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.test.EnabledOnTopology;
import dev.redispatterns.test.RecordedLogs;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTopologies;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions through Spring Session's filter, against a real Redis: the horizontal-scaling case, expiry,
 * sliding, revocation, storage format and key hashing; run on a single server, Sentinel and Cluster.
 */
@ExtendWith(RecordedLogs.Extension.class)
@Tag("portable")
@RedisTopologies
class SessionWebContractTests extends SessionContract {

	SessionWebContractTests(RedisDeployment redis) {
		super(redis, UnaryOperator.identity());
	}

	@Test
	void sessionCreatedByOneInstanceIsReadByAnother() {
		this.runner.run((a) -> this.runner.run((b) -> {
			MockMvc first = SessionTestApplication.mvc(a);
			MockMvc second = SessionTestApplication.mvc(b);
			Browser browser = new Browser();
			assertThat(browser.post(first, "/put", "value", "from-a")).isEqualTo("stored");
			assertThat(browser.get(second, "/get")).isEqualTo("from-a");
			assertThat(browser.post(second, "/put", "value", "from-b")).isEqualTo("stored");
			assertThat(browser.get(first, "/get")).isEqualTo("from-b");
			assertThat(new Browser().get(second, "/get")).as("another browser").isEqualTo("none");
		}));
	}

	@Test
	void sessionExpiresAfterTheTimeout() {
		this.runner.withPropertyValues("redis.patterns.session.timeout=2s").run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			RedisPatternsSessionRepository repository = context.getBean(RedisPatternsSessionRepository.class);
			Browser browser = new Browser();
			// the session's last access lies between these two instants
			long beforeRequest = System.nanoTime();
			browser.post(mvc, "/put", "value", "v");
			long afterRequest = System.nanoTime();
			String id = browser.sessionId();
			assertThat(repository.findById(id)).isNotNull();
			long goneAt = waitUntilGone(repository, id, Duration.ofSeconds(6));
			assertThat(Duration.ofNanos(goneAt - beforeRequest)).as("not before the timeout")
				.isGreaterThanOrEqualTo(Duration.ofMillis(1950));
			assertThat(Duration.ofNanos(goneAt - afterRequest)).as("soon after the timeout")
				.isLessThan(Duration.ofSeconds(4));
			assertThat(browser.get(mvc, "/get")).isEqualTo("none");
		});
	}

	@Test
	void sessionSlidesOnAccess() throws Exception {
		this.runner.withPropertyValues("redis.patterns.session.timeout=3s").run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			Browser browser = new Browser();
			browser.post(mvc, "/put", "value", "kept");
			long start = System.nanoTime();
			long lastAccess = start;
			// Twice the timeout of regular use: without sliding the session would be gone half-way.
			while (System.nanoTime() - start < Duration.ofSeconds(7).toNanos()) {
				Thread.sleep(700);
				// a session's last access is when the request starts, however long the request then takes
				lastAccess = System.nanoTime();
				assertThat(browser.get(mvc, "/get")).isEqualTo("kept");
			}
			long expiredAfter = waitUntilGone(context.getBean(RedisPatternsSessionRepository.class), browser.sessionId(),
					Duration.ofSeconds(8)) - lastAccess;
			assertThat(Duration.ofNanos(expiredAfter)).isBetween(Duration.ofMillis(2900), Duration.ofSeconds(5));
		});
	}

	@Test
	void logOutEverywhereRevokesEverySessionOfTheUserOnEveryInstance() {
		this.runner.run((a) -> this.runner.run((b) -> {
			MockMvc first = SessionTestApplication.mvc(a);
			MockMvc second = SessionTestApplication.mvc(b);
			List<Browser> alice = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				Browser browser = new Browser();
				browser.post((i % 2 == 0) ? first : second, "/login", "user", "alice");
				alice.add(browser);
			}
			Browser bob = new Browser();
			bob.post(first, "/login", "user", "bob");
			assertThat(alice.get(0).get(second, "/sessions")).isEqualTo("4");
			assertThat(alice.get(1).post(second, "/logout-everywhere")).isEqualTo("4");
			for (Browser browser : alice) {
				assertThat(browser.get(first, "/me")).isEqualTo("anonymous");
				assertThat(browser.get(second, "/me")).isEqualTo("anonymous");
			}
			assertThat(bob.get(second, "/me")).isEqualTo("bob");
			assertThat(a.getBean(UserSessions.class).list("alice")).isEmpty();
		}));
	}

	@Test
	void signOutInvalidatesOnlyThatSessionAndLeavesTheUsersIndex() {
		this.runner.run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			Browser laptop = new Browser();
			Browser phone = new Browser();
			laptop.post(mvc, "/login", "user", "carol");
			phone.post(mvc, "/login", "user", "carol");
			UserSessions sessions = context.getBean(UserSessions.class);
			assertThat(sessions.list("carol")).hasSize(2);
			laptop.post(mvc, "/logout");
			assertThat(laptop.get(mvc, "/me")).isEqualTo("anonymous");
			assertThat(phone.get(mvc, "/me")).isEqualTo("carol");
			assertThat(sessions.list("carol")).singleElement()
				.extracting(UserSessions.UserSession::handle)
				.isEqualTo(sessions.handleOf(phone.sessionId()));
			assertThat(this.redis.command("ZCARD", "rp:session:principal:carol")).isEqualTo(1L);
		});
	}

	@Test
	void revokingOtherDevicesKeepsTheCurrentSession() {
		this.runner.run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			Browser current = new Browser();
			Browser other = new Browser();
			current.post(mvc, "/login", "user", "dave");
			other.post(mvc, "/login", "user", "dave");
			UserSessions sessions = context.getBean(UserSessions.class);
			assertThat(sessions.revokeAllExcept("dave", current.sessionId())).isEqualTo(1);
			assertThat(current.get(mvc, "/me")).isEqualTo("dave");
			assertThat(other.get(mvc, "/me")).isEqualTo("anonymous");
			assertThat(sessions.revoke("dave", sessions.handleOf(other.sessionId()))).isFalse();
			assertThat(sessions.revoke("mallory", sessions.handleOf(current.sessionId())))
				.as("a handle only revokes its own user's session")
				.isFalse();
			assertThat(current.get(mvc, "/me")).isEqualTo("dave");
			assertThat(sessions.revoke("dave", sessions.handleOf(current.sessionId()))).isTrue();
			assertThat(current.get(mvc, "/me")).isEqualTo("anonymous");
		});
	}

	@Test
	void sessionIsStoredAsJsonWithoutJavaSerialization() {
		this.runner.run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			Browser browser = new Browser();
			browser.post(mvc, "/login", "user", "erin");
			browser.post(mvc, "/put", "value", "json please");
			RedisConnector connector = context.getBean(RedisConnector.class);
			byte[] key = sessionKey(browser.sessionId()).getBytes(StandardCharsets.UTF_8);
			Map<byte[], byte[]> hash = connector.execute((connection) -> connection.hashCommands().hGetAll(key));
			assertThat(hash).isNotEmpty();
			Map<String, String> fields = new HashMap<>();
			JsonMapper json = JsonMapper.builder().build();
			hash.forEach((rawField, value) -> {
				String field = new String(rawField, StandardCharsets.UTF_8);
				assertThat(value.length >= 2 && (value[0] & 0xFF) == 0xAC && (value[1] & 0xFF) == 0xED)
					.as("Java serialization header in " + field)
					.isFalse();
				assertThat(json.readTree(value)).as(field + " is JSON").isNotNull();
				fields.put(field, new String(value, StandardCharsets.UTF_8));
			});
			assertThat(fields.get("sessionAttr:note"))
				.isEqualTo("{\"@class\":\"com.example.app.AppValue\",\"name\":\"json please\"}");
			assertThat(fields.get("sessionAttr:" + FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME))
				.isEqualTo("\"erin\"");
			assertThat(fields.get("maxInactiveInterval")).isEqualTo("1800");
			assertThat(fields.get("creationTime")).matches("\\[\"java.lang.Long\",\\d{13}]");
			assertThat(fields.get("lastAccessedTime")).matches("\\[\"java.lang.Long\",\\d{13}]");
		});
	}

	@Test
	void attributeOfATypeOutsideTheAllowListIsRefusedWhenItIsSet() {
		this.runner.run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			Browser browser = new Browser();
			browser.post(mvc, "/put", "value", "fine");
			String answer = browser.post(mvc, "/put-outside-allow-list");
			assertThat(browser.status).isEqualTo(422);
			assertThat(answer).contains("Session attribute 'holder' cannot be stored")
				.contains("gadget.GadgetHolder")
				.contains("redis.patterns.codec.allowed-packages");
			assertThat(browser.get(mvc, "/get")).as("the session itself is unharmed").isEqualTo("fine");
		});
	}

	@Test
	void tamperedSessionNamingADisallowedTypeIsIgnoredWithoutLoadingIt(RecordedLogs output) {
		this.runner.run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			Browser browser = new Browser();
			browser.post(mvc, "/login", "user", "frank");
			String id = browser.sessionId();
			String key = sessionKey(id);
			this.redis.command("HSET", key, "sessionAttr:note", "{\"@class\":\"gadget.Gadget\",\"command\":\"rm -rf /\"}");
			assertThat(browser.get(mvc, "/me")).isEqualTo("anonymous");
			assertThat(browser.get(mvc, "/get")).isEqualTo("none");
			assertThat(System.getProperty("gadget.Gadget.initialized")).as("Gadget class initialized").isNull();
			assertThat(System.getProperty("gadget.Gadget.instantiated")).as("Gadget instantiated").isNull();
			assertThat(output).contains("Ignoring a stored session")
				.contains("gadget.Gadget")
				.doesNotContain(id)
				.doesNotContain(key.substring(key.lastIndexOf(':') + 1));
		});
	}

	@Test
	void corruptSessionDataIsIgnored() {
		this.runner.run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			Browser browser = new Browser();
			browser.post(mvc, "/put", "value", "v");
			this.redis.command("HSET", sessionKey(browser.sessionId()), "sessionAttr:note", new byte[] { (byte) 0xAC,
					(byte) 0xED, 0, 5, 't', 'r' });
			assertThat(browser.get(mvc, "/get")).isEqualTo("none");
		});
	}

	@Test
	void redisKeysAreKeyedHashesThatNeverContainTheRawSessionId(RecordedLogs output) {
		this.runner.run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			Browser browser = new Browser();
			browser.post(mvc, "/login", "user", "grace");
			browser.post(mvc, "/put", "value", "v");
			String id = browser.sessionId();
			List<String> keys = allKeys();
			assertThat(keys).contains("rp:session:sessions:" + hmac(id))
				.contains("rp:session:sessions:expires:" + hmac(id))
				.contains("rp:session:principal:grace");
			assertThat(keys).noneMatch((key) -> key.contains(id));
			for (String key : keys) {
				assertThat(dump(key)).as("contents of " + key).doesNotContain(id);
			}
			assertThat(output).doesNotContain(id);
		});
	}

	private long waitUntilGone(RedisPatternsSessionRepository repository, String id, Duration timeout)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (repository.findById(id) != null) {
			assertThat(System.nanoTime()).as("session still alive after " + timeout).isLessThan(deadline);
			Thread.sleep(50);
		}
		return System.nanoTime();
	}

	static String hmac(String id) throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(SessionTestApplication.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
	}

	static String sessionKey(String id) throws Exception {
		return "rp:session:sessions:" + hmac(id);
	}

	private List<String> allKeys() {
		return allKeys(this.redis);
	}

	/** Every key on every master. */
	@SuppressWarnings("unchecked")
	static List<String> allKeys(RedisDeployment redis) {
		List<String> all = new ArrayList<>();
		for (Object keys : redis.onEveryMaster("KEYS", "*")) {
			((List<Object>) keys).forEach((key) -> all.add(new String(bytes(key), StandardCharsets.UTF_8)));
		}
		return all;
	}

	@SuppressWarnings("unchecked")
	private String dump(String key) {
		String type = String.valueOf(this.redis.command("TYPE", key));
		Object contents = switch (type) {
			case "hash" -> this.redis.command("HGETALL", key);
			case "zset" -> this.redis.command("ZRANGE", key, "0", "-1");
			case "set" -> this.redis.command("SMEMBERS", key);
			case "string" -> this.redis.command("GET", key);
			default -> List.of();
		};
		StringBuilder text = new StringBuilder();
		if (contents instanceof List<?> list) {
			list.forEach((item) -> text.append(new String(bytes(item), StandardCharsets.UTF_8)).append('\n'));
		}
		else if (contents != null) {
			text.append(new String(bytes(contents), StandardCharsets.UTF_8));
		}
		return text.toString();
	}

	static byte[] bytes(Object reply) {
		if (reply instanceof byte[] raw) {
			return raw;
		}
		return String.valueOf(reply).getBytes(StandardCharsets.UTF_8);
	}

	// cluster only

	@Test
	@EnabledOnTopology(Topology.CLUSTER)
	void keysRenamedAcrossSlotsWhenASessionIdChangesKeepTheirTimeToLive() {
		this.runner.run((context) -> {
			RedisConnector connector = context.getBean(RedisConnector.class);
			ClusterRenameTemplate template = new ClusterRenameTemplate(connector);
			template.setConnectionFactory(connector.connectionFactory());
			template.afterPropertiesSet();
			String from = "rp:session:sessions:from";
			String to = "rp:session:sessions:to";
			assertThat(this.redis.command("CLUSTER", "KEYSLOT", from)).as("different slots")
				.isNotEqualTo(this.redis.command("CLUSTER", "KEYSLOT", to));
			this.redis.command("HSET", from, "lastAccessedTime", "1");
			this.redis.command("PEXPIRE", from, 60_000);
			template.rename(from, to);
			assertThat(this.redis.command("HGET", to, "lastAccessedTime")).isEqualTo("1");
			assertThat((Long) this.redis.command("PTTL", to)).isBetween(50_000L, 60_000L);
			assertThat(this.redis.command("EXISTS", from)).isEqualTo(0L);
			template.rename("rp:session:sessions:gone", to);
			assertThat(this.redis.command("EXISTS", to)).as("renaming a missing key changes nothing").isEqualTo(1L);
		});
	}

}
