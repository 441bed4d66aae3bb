package dev.redispatterns.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.data.redis.connection.ReturnType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.IdentityHasher;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;

/**
 * The sessions of each user: one sorted set per principal name ({@code prefix:session:principal:<name>},
 * the name a keyed hash with {@code redis.patterns.keys.hash-identities})
 * holding storage ids (never raw session ids) scored by when each session expires unless used again. It
 * replaces Spring Session's own principal index, a set without expiry that only keyspace notifications
 * ever clean up: this one expires with its last session, counts live sessions for the concurrent-session
 * limit in one atomic script, and is what "sign out everywhere" revokes. Every script touches one key, so
 * it works the same on Redis Cluster.
 */
final class PrincipalIndex {

	/** How long expired entries stay listed, so a missed refresh never hides a live session. */
	static final Duration GRACE = Duration.ofMinutes(5);

	private static final Log logger = LogFactory.getLog(PrincipalIndex.class);

	private static final LuaScript BIND = LuaScript.load(PrincipalIndex.class, "session_bind.lua");

	private static final LuaScript TOUCH = LuaScript.load(PrincipalIndex.class, "session_touch.lua");

	private static final LuaScript COUNT = LuaScript.load(PrincipalIndex.class, "session_count.lua");

	private static final byte[] NONE = new byte[0];

	private static final byte[] EVICT = ScriptExecutor.arg("evict");

	private static final byte[] REFUSE = ScriptExecutor.arg("refuse");

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final RedisKeys keys;

	private final IdentityHasher identities;

	private final byte[] grace = ScriptExecutor.arg(GRACE.toMillis());

	PrincipalIndex(RedisConnector connector, ScriptExecutor scripts, RedisKeys keys, IdentityHasher identities) {
		this.connector = connector;
		this.scripts = scripts;
		this.keys = keys;
		this.identities = identities;
	}

	/** {@code prefix:session:principal:<name>}, or {@code ...:principal:h:<hash>} with hashed identities. */
	String key(String principal) {
		return this.keys.key("session", "principal", this.identities.apply("user", principal));
	}

	/**
	 * Adds a session to its user's index, replacing {@code previous} (its storage id before a change of
	 * session id), and applies {@code limit}.
	 * @return the storage ids evicted to make room, or {@code null} if the sign-in was refused
	 */
	@Nullable List<String> bind(String principal, String member, @Nullable String previous, Duration timeout,
			SessionLimit limit) {
		boolean refuse = limit.whenExceeded() == SessionLimit.Policy.REFUSE;
		List<Object> reply = this.scripts.call(BIND, ReturnType.MULTI, ScriptExecutor.keys(key(principal)),
				utf8(member), (previous != null) ? utf8(previous) : NONE, ScriptExecutor.arg(millis(timeout)),
				ScriptExecutor.arg(limit.maxSessions()), refuse ? REFUSE : EVICT, this.grace);
		if (((Long) reply.get(0)) == 0L) {
			return null;
		}
		List<String> evicted = new ArrayList<>(reply.size() - 1);
		for (int i = 1; i < reply.size(); i++) {
			evicted.add(new String((byte[]) reply.get(i), StandardCharsets.UTF_8));
		}
		return evicted;
	}

	/** Pushes a session's expiry forward without waiting for the reply: a request must not pay for it. */
	void touch(String principal, String member, Duration timeout) {
		try {
			this.scripts
				.execute(TOUCH, ReturnType.INTEGER, ScriptExecutor.keys(key(principal)), utf8(member),
						ScriptExecutor.arg(millis(timeout)), this.grace)
				.exceptionally((failure) -> {
					logger.debug("Could not refresh a session's entry in its user's index", failure);
					return null;
				});
		}
		catch (RuntimeException ex) {
			logger.debug("Could not refresh a session's entry in its user's index", ex);
		}
	}

	/** Live sessions of the user other than {@code member}. */
	long liveOthers(String principal, String member) {
		return this.scripts.<Long>call(COUNT, ReturnType.INTEGER, ScriptExecutor.keys(key(principal)),
				utf8(member));
	}

	void unbind(String principal, String member) {
		this.connector.await(this.connector.commands().zrem(utf8(key(principal)), utf8(member)));
	}

	/** Whether the user's index lists the session. */
	boolean contains(String principal, String member) {
		return this.connector.await(this.connector.commands().zscore(utf8(key(principal)), utf8(member))) != null;
	}

	List<String> members(String principal) {
		List<byte[]> members = this.connector.await(this.connector.commands().zrange(utf8(key(principal)), 0, -1));
		return members.stream().map((member) -> new String(member, StandardCharsets.UTF_8)).toList();
	}

	/**
	 * Removes entries of sessions that have ended. Called only after they ended, so a failure in between
	 * leaves a session listed (and revocable again), never live and unlisted. {@code ZREM} is allowed when
	 * Redis is out of memory.
	 */
	void removeAll(String principal, List<String> ended) {
		byte[] key = utf8(key(principal));
		for (int i = 0; i < ended.size(); i += 1000) {
			byte[][] batch = ended.subList(i, Math.min(i + 1000, ended.size()))
				.stream()
				.map(PrincipalIndex::utf8)
				.toArray(byte[][]::new);
			this.connector.await(this.connector.commands().zrem(key, batch));
		}
	}

	/** Negative timeouts mean "never expires": kept for ten years, like any other long-lived session. */
	private static long millis(Duration timeout) {
		return timeout.isNegative() ? Duration.ofDays(3650).toMillis() : Math.max(timeout.toMillis(), 1000);
	}

	private static byte[] utf8(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
