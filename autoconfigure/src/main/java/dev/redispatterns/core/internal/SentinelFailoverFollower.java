package dev.redispatterns.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Moves every connection to the new master as soon as Sentinel announces a failover.
 * <p>
 * Lettuce asks Sentinel for the master's address only when it (re)connects. After a failover the old
 * master often stays up: Sentinel promotes a replica, announces {@code +switch-master}, and demotes the
 * old master only about ten seconds later, when it disconnects that server's clients. Until then the
 * application keeps reading and writing on the old master, and every write of that time is lost when it
 * becomes a replica of the new one. This component subscribes to {@code +switch-master} on every sentinel
 * and, when the application's master moves, drops the client's connections to the old address
 * ({@link RedisChannels}); Lettuce reconnects them through Sentinel, to the new master, re-sending the
 * commands that were in flight. Subscriptions are made in the background (the application's start does
 * not wait for the sentinels), and those to sentinels that cannot be reached are retried.
 */
public final class SentinelFailoverFollower implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(SentinelFailoverFollower.class);

	static final String SWITCH_MASTER = "+switch-master";

	private final LettuceConnectionFactory connectionFactory;

	private final RedisChannels channels;

	private final Duration retryInterval;

	private final List<StatefulRedisPubSubConnection<String, String>> subscriptions = new CopyOnWriteArrayList<>();

	private volatile @Nullable ScheduledExecutorService retries;

	private final RedisPatternsThreads threads;

	private volatile boolean running;

	public SentinelFailoverFollower(LettuceConnectionFactory connectionFactory, RedisChannels channels,
			Duration retryInterval) {
		this(connectionFactory, channels, retryInterval, RedisPatternsThreads.platform());
	}

	public SentinelFailoverFollower(LettuceConnectionFactory connectionFactory, RedisChannels channels,
			Duration retryInterval, RedisPatternsThreads threads) {
		this.threads = threads;
		this.connectionFactory = connectionFactory;
		this.channels = channels;
		this.retryInterval = retryInterval;
	}

	@Override
	public void start() {
		RedisSentinelConfiguration sentinel = this.connectionFactory.getSentinelConfiguration();
		if (!this.connectionFactory.isRedisSentinelAware() || sentinel == null || sentinel.getMaster() == null) {
			return;
		}
		String master = sentinel.getMaster().getName();
		List<RedisURI> remaining = new ArrayList<>();
		for (RedisNode node : sentinel.getSentinels()) {
			remaining.add(sentinelUri(sentinel, node));
		}
		this.running = true;
		// subscribing waits for each sentinel: off the starting thread, so an unreachable sentinel
		// does not hold up the application's start
		ScheduledExecutorService executor = this.threads.scheduler("sentinel-follower");
		this.retries = executor;
		// only the executor's one thread touches the list
		executor.scheduleWithFixedDelay(() -> {
			List<RedisURI> failed = subscribe(master, remaining);
			remaining.clear();
			remaining.addAll(failed);
			if (remaining.isEmpty()) {
				executor.shutdown();
			}
		}, 0, this.retryInterval.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Whether every sentinel has been subscribed to. */
	public boolean isSubscribedToAll() {
		RedisSentinelConfiguration sentinel = this.connectionFactory.getSentinelConfiguration();
		return sentinel != null && this.subscriptions.size() == sentinel.getSentinels().size();
	}

	private RedisURI sentinelUri(RedisSentinelConfiguration sentinel, RedisNode node) {
		RedisURI.Builder uri = RedisURI.builder()
			.withHost(node.getHost())
			.withPort(node.getPort() != null ? node.getPort() : RedisURI.DEFAULT_SENTINEL_PORT)
			.withSsl(this.connectionFactory.isUseSsl())
			.withVerifyPeer(this.connectionFactory.isVerifyPeer())
			.withTimeout(Duration.ofMillis(this.connectionFactory.getTimeout()));
		if (sentinel.getSentinelPassword().isPresent()) {
			char[] password = sentinel.getSentinelPassword().get();
			if (sentinel.getSentinelUsername() != null) {
				uri.withAuthentication(sentinel.getSentinelUsername(), password);
			}
			else {
				uri.withPassword(password);
			}
		}
		return uri.build();
	}

	/** Subscribes on each sentinel; returns those that could not be reached. */
	private List<RedisURI> subscribe(String master, List<RedisURI> sentinels) {
		// resolved here, off the starting thread, once the connection factory has created its client
		if (!(this.connectionFactory.getNativeClient() instanceof RedisClient client)) {
			return List.of();
		}
		List<RedisURI> failed = new ArrayList<>();
		for (RedisURI uri : sentinels) {
			if (!this.running) {
				break;
			}
			try {
				StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub(uri);
				connection.addListener(new RedisPubSubAdapter<>() {

					@Override
					public void message(String channel, String message) {
						onSwitch(master, message);
					}

				});
				connection.sync().subscribe(SWITCH_MASTER);
				this.subscriptions.add(connection);
			}
			catch (RuntimeException ex) {
				logger.warn("Cannot subscribe to " + SWITCH_MASTER + " on sentinel " + uri.getHost() + ":"
						+ uri.getPort() + " (retrying every " + this.retryInterval.toSeconds() + " s): " + ex.getMessage());
				failed.add(uri);
			}
		}
		return failed;
	}

	/** {@code <master name> <old ip> <old port> <new ip> <new port>}, announced by every sentinel. */
	void onSwitch(String master, String message) {
		String[] parts = message.split(" ");
		if (parts.length < 5 || !parts[0].equals(master)) {
			return;
		}
		int oldPort;
		try {
			oldPort = Integer.parseInt(parts[2]);
		}
		catch (NumberFormatException ex) {
			return;
		}
		int moved = this.channels.disconnect(parts[1], oldPort);
		if (moved > 0 || logger.isDebugEnabled()) {
			logger.info("Sentinel moved master '" + master + "' from " + parts[1] + ":" + parts[2] + " to " + parts[3]
					+ ":" + parts[4] + "; reconnecting " + moved + " connection(s) to the new master");
		}
	}

	@Override
	public void stop() {
		this.running = false;
		ScheduledExecutorService executor = this.retries;
		if (executor != null) {
			executor.shutdownNow();
		}
		for (StatefulRedisPubSubConnection<String, String> connection : this.subscriptions) {
			LettuceClose.closeAndWait(connection, Duration.ofMillis(this.connectionFactory.getTimeout()));
		}
		this.subscriptions.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
