package dev.redispatterns.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.data.redis.connection.ReturnType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.internal.MessagingKeys;

/**
 * Makes at-least-once delivery safe for handlers whose work must not happen twice (charging a card,
 * sending a mail): the work for one key runs once within the retention time, across instances.
 * <pre class="code">
 * &#64;StreamGroupListener(stream = "payments", group = "charger")
 * void charge(Payment payment, Delivery delivery) {
 *     guard.runOnce("charge:" + payment.id(), Duration.ofDays(1), () -&gt; gateway.charge(payment));
 * }
 * </pre>
 * The key is claimed ({@code SET NX} with a lease) before the work and marked done after it; a failure
 * drops the claim so a redelivery can try again. A key whose work is running elsewhere right now makes the
 * call throw {@link DuplicateMessageException}, so the message is delivered again later instead of being
 * acknowledged. A key without application meaning can be built from {@link Delivery#source()} and
 * {@link Delivery#id()}.
 */
public final class IdempotencyGuard {

	private static final Log logger = LogFactory.getLog(IdempotencyGuard.class);

	private static final LuaScript FINISH = LuaScript.load(IdempotencyGuard.class, "idempotency_finish.lua");

	private static final byte[] DONE = "done".getBytes(StandardCharsets.US_ASCII);

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final MessagingKeys keys;

	private final Duration lease;

	/**
	 * @param lease how long a claim protects work in progress; must be longer than the work takes, as an
	 * expired claim lets a redelivery run the work a second time
	 */
	public IdempotencyGuard(RedisConnector connector, ScriptExecutor scripts, MessagingKeys keys, Duration lease) {
		this.connector = connector;
		this.scripts = scripts;
		this.keys = keys;
		this.lease = lease;
	}

	/**
	 * Runs {@code work} unless work with the same key already completed within {@code retention}.
	 * @return {@code true} if the work ran now, {@code false} if it had already been done
	 * @throws DuplicateMessageException if work with this key is running elsewhere right now
	 * @throws dev.redispatterns.core.RedisUnavailableException if Redis cannot be reached: the work does
	 * not run, and the message is delivered again later
	 */
	public boolean runOnce(String key, Duration retention, Runnable work) {
		byte[] redisKey = this.keys.idempotency(key).getBytes(StandardCharsets.UTF_8);
		byte[] token = token();
		Boolean claimed = this.connector
			.await(this.connector.commands().setIfAbsent(redisKey, token, this.lease.toMillis()));
		if (!Boolean.TRUE.equals(claimed)) {
			byte[] state = this.connector.await(this.connector.commands().get(redisKey));
			if (state != null && Arrays.equals(state, DONE)) {
				return false;
			}
			// Lettuce (and Jedis on Redis Cluster) send a command again when the connection broke before its reply
			// came: the claim may be ours
			if (!Arrays.equals(state, token)) {
				throw new DuplicateMessageException(key);
			}
		}
		try {
			work.run();
		}
		catch (RuntimeException | Error ex) {
			try {
				finish(redisKey, token, false, retention);
			}
			catch (RuntimeException finishing) {
				// the claim then lapses with its lease and a redelivery does the work
				ex.addSuppressed(finishing);
			}
			throw ex;
		}
		try {
			finish(redisKey, token, true, retention);
		}
		catch (RuntimeException ex) {
			// the work is done; only a delivery after the lease ran out could repeat it
			// keys can be user data: named at DEBUG only
			logger.warn("Cannot mark an idempotency key as done: " + ex.getMessage());
			if (logger.isDebugEnabled()) {
				logger.debug("The idempotency key not marked as done: '" + key + "'");
			}
		}
		return true;
	}

	/** Whether work with {@code key} completed within its retention time. */
	public boolean isDone(String key) {
		byte[] state = this.connector
			.await(this.connector.commands().get(this.keys.idempotency(key).getBytes(StandardCharsets.UTF_8)));
		return state != null && Arrays.equals(state, DONE);
	}

	private void finish(byte[] redisKey, byte[] token, boolean done, Duration retention) {
		this.scripts.call(FINISH, ReturnType.INTEGER, new byte[][] { redisKey }, token,
				ScriptExecutor.arg(done ? 1 : 0), ScriptExecutor.arg(Math.max(1, retention.toMillis())));
	}

	private static byte[] token() {
		byte[] random = new byte[16];
		ThreadLocalRandom.current().nextBytes(random);
		return ("claim:" + HexFormat.of().formatHex(random)).getBytes(StandardCharsets.US_ASCII);
	}

}
