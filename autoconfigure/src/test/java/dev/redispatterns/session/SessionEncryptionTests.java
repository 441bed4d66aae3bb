package dev.redispatterns.session;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.test.web.servlet.MockMvc;

import dev.redispatterns.core.EncryptingValueCodec;
import dev.redispatterns.core.JsonValueCodec;
import dev.redispatterns.core.ValueCipher;
import dev.redispatterns.test.RecordedLogs;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encrypted session attributes through Spring Session's filter, two instances on a real Redis: nothing of
 * an attribute is readable in Redis, sign-ins (which change the session id) keep them, and an attribute
 * changed in Redis, copied from another session or attribute, or written in clear is absent — the session
 * itself goes on — so that write access to Redis does not let anybody sign a session in as somebody else.
 */
@RedisTest
@ExtendWith(RecordedLogs.Extension.class)
class SessionEncryptionTests extends SessionContract {

	private static final String K1 = Base64.getEncoder().encodeToString(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
			12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 });

	private static final String PRINCIPAL = "sessionAttr:" + FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME;

	/** Copies one hash field from one key to another, server-side (the test client reads values as text). */
	private static final String COPY_FIELD = "return redis.call('HSET', KEYS[2], ARGV[2], redis.call('HGET', KEYS[1], ARGV[1]))";

	/** Flips one bit in the middle of a hash field. */
	private static final String FLIP = "local v = redis.call('HGET', KEYS[1], ARGV[1]) local i = math.floor(#v / 2) "
			+ "return redis.call('HSET', KEYS[1], ARGV[1], string.sub(v, 1, i - 1) .. string.char(bit.bxor(string.byte(v, i), 1)) .. string.sub(v, i + 1))";

	SessionEncryptionTests(RedisDeployment redis) {
		super(redis, (runner) -> runner.withPropertyValues("redis.patterns.codec.encryption.keys.k1=" + K1,
				"redis.patterns.session.encrypt-attributes=true"));
	}

	@Test
	void attributesAreEncryptedAndReadByAnotherInstanceAcrossASignIn() {
		this.runner.run((a) -> this.runner.run((b) -> {
			MockMvc first = SessionTestApplication.mvc(a);
			MockMvc second = SessionTestApplication.mvc(b);
			Browser browser = new Browser();
			browser.post(first, "/put", "value", "secret note");
			String before = browser.sessionId();
			assertThat(browser.post(first, "/login", "user", "alice")).isEqualTo("welcome alice");
			assertThat(browser.sessionId()).as("the sign-in changed the session id").isNotEqualTo(before);
			assertThat(browser.get(second, "/get")).as("resealed for the new id").isEqualTo("secret note");
			assertThat(browser.get(second, "/me")).isEqualTo("alice");
			String key = SessionWebContractTests.sessionKey(browser.sessionId());
			String stored = String.valueOf(this.redis.command("HGETALL", key));
			assertThat(stored).contains("sessionAttr:note")
				.doesNotContain("secret note")
				.doesNotContain("AppValue")
				.doesNotContain("\"alice\"")
				.contains("creationTime");
			assertThat(b.getBean(UserSessions.class).list("alice")).hasSize(1);
		}));
	}

	@Test
	void anAttributeChangedInRedisIsAbsentAndTheSessionGoesOn(RecordedLogs output) {
		this.runner.run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			Browser browser = new Browser();
			browser.post(mvc, "/login", "user", "alice");
			browser.post(mvc, "/put", "value", "note");
			String key = SessionWebContractTests.sessionKey(browser.sessionId());
			this.redis.command("EVAL", FLIP, "1", key, "sessionAttr:note");
			assertThat(browser.get(mvc, "/get")).isEqualTo("empty");
			assertThat(browser.get(mvc, "/me")).isEqualTo("alice");
			assertThat(output.toString()).contains("Ignoring session attribute 'note'")
				.contains("failed authentication")
				.doesNotContain(browser.sessionId());
		});
	}

	@Test
	void anotherUsersSignInCopiedIntoASessionDoesNotSignItIn() {
		this.runner.run((context) -> {
			MockMvc mvc = SessionTestApplication.mvc(context);
			Browser alice = new Browser();
			alice.post(mvc, "/login", "user", "alice");
			Browser eve = new Browser();
			eve.post(mvc, "/put", "value", "eve's");
			String aliceKey = SessionWebContractTests.sessionKey(alice.sessionId());
			String eveKey = SessionWebContractTests.sessionKey(eve.sessionId());
			this.redis.command("EVAL", COPY_FIELD, "2", aliceKey, eveKey, PRINCIPAL, PRINCIPAL);
			assertThat(eve.get(mvc, "/me")).as("alice's principal in eve's session").isEqualTo("anonymous");
			this.redis.command("EVAL", COPY_FIELD, "2", eveKey, eveKey, "sessionAttr:note", PRINCIPAL);
			assertThat(eve.get(mvc, "/me")).as("another attribute's ciphertext as principal").isEqualTo("anonymous");
			this.redis.command("COPY", aliceKey, eveKey, "REPLACE");
			assertThat(eve.get(mvc, "/me")).as("alice's whole session under eve's key").isEqualTo("anonymous");
			this.redis.command("HSET", eveKey, PRINCIPAL, "\"alice\"");
			assertThat(eve.get(mvc, "/me")).as("a principal written in clear").isEqualTo("anonymous");
			assertThat(alice.get(mvc, "/me")).isEqualTo("alice");
		});
	}

	@Test
	void rotationMovesLiveSessionsToTheActiveKeyAsTheyAreUsed() {
		Browser browser = new Browser();
		this.runner.run((before) -> {
			MockMvc mvc = SessionTestApplication.mvc(before);
			browser.post(mvc, "/login", "user", "alice");
			browser.post(mvc, "/put", "value", "kept");
		});
		String k2 = Base64.getEncoder().encodeToString(new byte[32]);
		this.runner.withPropertyValues("redis.patterns.codec.encryption.keys.k2=" + k2,
				"redis.patterns.codec.encryption.active-key=k2")
			.run((during) -> {
				String key = SessionWebContractTests.sessionKey(browser.sessionId());
				assertThat(keyIdOf(key, PRINCIPAL)).isEqualTo("k1");
				MockMvc mvc = SessionTestApplication.mvc(during);
				assertThat(browser.get(mvc, "/me")).isEqualTo("alice");
				assertThat(browser.get(mvc, "/get")).isEqualTo("kept");
				assertThat(keyIdOf(key, PRINCIPAL)).as("resealed when read").isEqualTo("k2");
				assertThat(keyIdOf(key, "sessionAttr:note")).isEqualTo("k2");
			});
		SessionTestApplication.runner(this.redis)
			.withPropertyValues("redis.patterns.codec.encryption.keys.k2=" + k2,
					"redis.patterns.session.encrypt-attributes=true")
			.run((after) -> {
				MockMvc mvc = SessionTestApplication.mvc(after);
				assertThat(browser.get(mvc, "/me")).as("k1 removed").isEqualTo("alice");
				assertThat(browser.get(mvc, "/get")).isEqualTo("kept");
			});
	}

	/** The key id of a sealed hash field: after the format byte and the id's length. */
	private String keyIdOf(String key, String field) {
		return String.valueOf(this.redis.command("EVAL", "return string.sub(redis.call('HGET', KEYS[1], ARGV[1]), 3, 4)",
				"1", key, field));
	}

	@Test
	void sessionsWrittenInClearAreReadAgainWhenEncryptionIsTurnedOffAndEncryptedOnesStillOpen() {
		Browser browser = new Browser();
		this.runner.run((on) -> browser.post(SessionTestApplication.mvc(on), "/put", "value", "sealed"));
		this.runner.withPropertyValues("redis.patterns.session.encrypt-attributes=false").run((off) -> {
			MockMvc mvc = SessionTestApplication.mvc(off);
			assertThat(browser.get(mvc, "/get")).as("an encrypted attribute, key still configured").isEqualTo("sealed");
			browser.post(mvc, "/put", "value", "clear again");
			assertThat(String.valueOf(this.redis.command("HGETALL", SessionWebContractTests.sessionKey(browser.sessionId()))))
				.contains("clear again");
		});
	}

	@Test
	void encryptingAttributesWithoutKeysFailsTheStartNamingTheProperty() {
		SessionTestApplication.runner(this.redis)
			.withPropertyValues("redis.patterns.session.encrypt-attributes=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("redis.patterns.codec.encryption.keys")
				.hasMessageContaining("redis.patterns.session.encrypt-attributes"));
	}

	@Test
	void theCreatedEventPayloadLeavesEncryptedAttributesOut() {
		JsonValueCodec json = JsonValueCodec.forPackages("com.example.app");
		EncryptingValueCodec codec = new EncryptingValueCodec(json,
				ValueCipher.aesGcm(Map.of("k1", Base64.getDecoder().decode(K1)), "k1"));
		Map<String, Object> delta = new LinkedHashMap<>();
		delta.put("creationTime", 1L);
		delta.put("sessionAttr:note", new SessionValueSerializer.SealedValue(codec.encode("secret", new byte[0])));
		byte[] payload = SessionValueSerializer.strict(json).serialize(delta);
		assertThat(new String(payload, StandardCharsets.UTF_8)).contains("creationTime").doesNotContain("sessionAttr");
		Object read = SessionValueSerializer.forHashValues(json).deserialize(codec.encode("x", new byte[0]));
		assertThat(read).isInstanceOf(SessionValueSerializer.SealedValue.class);
		assertThat(json.decode(payload)).isInstanceOfSatisfying(Map.class,
				(event) -> assertThat(event).containsOnlyKeys("creationTime"));
	}

}
