package dev.redispatterns.messaging;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.data.redis.connection.ReturnType;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.messaging.internal.QueueJob;
import dev.redispatterns.test.FaultyProxy;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.messaging.MessagingTesting.bytes;
import static dev.redispatterns.messaging.MessagingTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a connection breaks after Redis ran a publish but before its reply arrived, Lettuce sends the publish
 * again on the new connection. One publish must still add one stream entry (and return its id) and one queue
 * job: the scripts remember each publish's id and add nothing when they see it again.
 */
@RedisTest
class PublishResendTests {

	private static final LuaScript STREAM_ADD = LuaScript.load(StreamPublisher.class, "stream_add.lua");

	private static final LuaScript QUEUE_PUSH = LuaScript.load(QueuePublisher.class, "queue_push.lua");

	private final MessagingKeys keys = new MessagingKeys(new RedisKeys("rp"));

	private final RedisDeployment redis;

	PublishResendTests(RedisDeployment redis) {
		this.redis = redis;
		redis.flushAll();
	}

	@Test
	void theAddScriptRunTwiceWithOnePublishIdAddsOneEntryAndReturnsItsIdBothTimes() {
		withConnector(this.redis, (connector) -> {
			ScriptExecutor scripts = new ScriptExecutor(connector);
			byte[][] keys = ScriptExecutor.keys(this.keys.stream("twice"), this.keys.streamPublished("twice"),
					this.keys.streamPublishedExpiry("twice"));
			byte[][] args = { bytes("100"), bytes("0"), bytes("0"), bytes("10"), bytes("0"), bytes("1000"),
					bytes("60000"), bytes("p1"), StreamPublisher.PAYLOAD, bytes("{\"n\":1}") };
			List<Object> first = scripts.call(STREAM_ADD, ReturnType.MULTI, keys, args);
			List<Object> again = scripts.call(STREAM_ADD, ReturnType.MULTI, keys, args);
			assertThat(text((byte[]) again.get(0))).isEqualTo(text((byte[]) first.get(0)));
			assertThat(MessagingTesting.number(this.redis, "XLEN", this.keys.stream("twice"))).isEqualTo(1);
			assertThat(MessagingTesting.string(this.redis.command("HGET", this.keys.streamPublished("twice"), "p1")))
				.isEqualTo(text((byte[]) first.get(0)));
			assertThat((Long) this.redis.command("PTTL", this.keys.streamPublished("twice"))).isBetween(1L, 60_000L);
			assertThat((Long) this.redis.command("PTTL", this.keys.streamPublishedExpiry("twice")))
				.isBetween(1L, 60_000L);
			return null;
		});
	}

	@Test
	void thePushScriptRunTwiceWithOneJobAddsItOnceEvenAfterItWasHandled() {
		withConnector(this.redis, (connector) -> {
			ScriptExecutor scripts = new ScriptExecutor(connector);
			QueueJob job = QueueJob.create(bytes("{\"n\":1}"));
			String ready = this.keys.queueReady("mails");
			byte[][] keys = ScriptExecutor.keys(ready, this.keys.queueDelayed("mails"), this.keys.queuePushed("mails"),
					this.keys.queuePushedExpiry("mails"));
			byte[][] args = { job.encode(), bytes("0"), bytes("now"), bytes("0"), bytes("60000"), bytes(job.id()) };
			assertThat(scripts.<Long>call(QUEUE_PUSH, ReturnType.INTEGER, keys, args)).isZero();
			assertThat(scripts.<Long>call(QUEUE_PUSH, ReturnType.INTEGER, keys, args)).isZero();
			assertThat(MessagingTesting.number(this.redis, "LLEN", ready)).isEqualTo(1);
			this.redis.command("RPOP", ready);
			assertThat(scripts.<Long>call(QUEUE_PUSH, ReturnType.INTEGER, keys, args)).isZero();
			assertThat(MessagingTesting.number(this.redis, "LLEN", ready)).as("not added again once handled")
				.isZero();
			return null;
		});
	}

	@Test
	void eachAddForgetsABoundedBatchOfPublishIdsPastTheirWindow() {
		String published = this.keys.streamPublished("old");
		String expiry = this.keys.streamPublishedExpiry("old");
		for (int i = 0; i < 150; i++) {
			this.redis.command("HSET", published, "stale-" + i, "1-" + i);
			this.redis.command("ZADD", expiry, i, "stale-" + i);
		}
		withConnector(this.redis, (connector) -> {
			ScriptExecutor scripts = new ScriptExecutor(connector);
			byte[][] keys = ScriptExecutor.keys(this.keys.stream("old"), published, expiry);
			byte[][] args = { bytes("0"), bytes("0"), bytes("0"), bytes("0"), bytes("0"), bytes("1000"),
					bytes("60000"), bytes("fresh"), StreamPublisher.PAYLOAD, bytes("{\"n\":1}") };
			scripts.call(STREAM_ADD, ReturnType.MULTI, keys, args);
			assertThat(MessagingTesting.number(this.redis, "HLEN", published)).as("50 stale left, and the new one")
				.isEqualTo(51);
			assertThat(MessagingTesting.number(this.redis, "ZCARD", expiry)).isEqualTo(51);
			assertThat(this.redis.command("HGET", published, "stale-0")).as("the oldest went first").isNull();
			assertThat(this.redis.command("HGET", published, "fresh")).isNotNull();
			return null;
		});
	}

	@Test
	void aPublishSentTwiceByLettuceAfterAReconnectAddsOneEntry() throws Exception {
		String key = this.keys.stream("resent");
		throughBrokenReply((connector) -> {
			StreamPublisher publisher = new StreamPublisher(connector, new ScriptExecutor(connector), this.keys,
					MessagingTesting.codec(), (name) -> StreamPolicy.defaults(name).withMaxLength(1000), MessagingListener.NONE);
			publisher.publish("resent", bytes("warm-up"));
			return new Publish(() -> publisher.publishAsync("resent", bytes("once")),
					() -> MessagingTesting.number(this.redis, "XLEN", key) == 2);
		}, (id) -> {
			List<?> all = (List<?>) this.redis.command("XRANGE", key, "-", "+");
			assertThat(all).as("entries").hasSize(2);
			assertThat(MessagingTesting.string(((List<?>) all.get(1)).get(0))).as("the id publish returned")
				.isEqualTo(id);
		});
	}

	@Test
	void anEnqueueSentTwiceByLettuceAfterAReconnectAddsOneJob() throws Exception {
		String ready = this.keys.queueReady("resent");
		throughBrokenReply((connector) -> {
			QueuePublisher publisher = new QueuePublisher(connector, new ScriptExecutor(connector), this.keys,
					MessagingTesting.codec(), QueuePolicy::defaults, MessagingListener.NONE);
			publisher.enqueue("resent", bytes("warm-up"));
			return new Publish(() -> publisher.enqueueAsync("resent", bytes("once")),
					() -> MessagingTesting.number(this.redis, "LLEN", ready) == 2);
		}, (id) -> assertThat(MessagingTesting.number(this.redis, "LLEN", ready)).as("jobs").isEqualTo(2));
	}

	/**
	 * Publishes through a proxy that holds the reply, waits until Redis ran the publish, then cuts the connection:
	 * Lettuce reconnects and sends the publish again (every command in flight but the oldest, which takes the
	 * connection error, is sent again).
	 */
	private void throughBrokenReply(Function<RedisConnector, Publish> setUp, Consumer<String> check)
			throws Exception {
		try (FaultyProxy proxy = FaultyProxy.to(this.redis)) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(proxy.host(), proxy.port()),
					LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(10)).build());
			factory.afterPropertiesSet();
			factory.start();
			RedisConnector connector = new RedisConnector(factory, Duration.ofSeconds(10));
			try {
				Publish publish = setUp.apply(connector);
				proxy.blackHoleReplies();
				connector.commands().get(bytes("older"));
				CompletableFuture<String> id = publish.call().get();
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
				while (!publish.ran().getAsBoolean()) {
					assertThat(System.nanoTime()).as("the publish reached Redis").isLessThan(deadline);
					Thread.sleep(10);
				}
				proxy.cut();
				proxy.heal();
				String published = id.get(20, TimeUnit.SECONDS);
				assertThat(published).isNotEmpty();
				check.accept(published);
			}
			finally {
				connector.destroy();
				factory.destroy();
			}
		}
	}

	private static <T> T withConnector(RedisDeployment redis, Function<RedisConnector, T> test) {
		LettuceConnectionFactory factory = RedisConnectionFactories.lettuce(redis);
		RedisConnector connector = new RedisConnector(factory, Duration.ofSeconds(5));
		try {
			return test.apply(connector);
		}
		finally {
			connector.destroy();
			factory.destroy();
		}
	}

	private record Publish(Supplier<CompletableFuture<String>> call, BooleanSupplier ran) {
	}

}
