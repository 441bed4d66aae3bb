package dev.redispatterns.session.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

import org.springframework.data.redis.connection.DefaultMessage;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterServerCommands;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.session.RedisPatternsSessionRepository;

/**
 * Session events on Redis Cluster, where Spring Data Redis's listener container falls short: keyspace
 * notifications are local to the node that owns the key, so a subscription on one node hears about a third
 * of the expirations. The keyevent channels ({@code __keyevent@0__:expired}, {@code :del}) are therefore
 * subscribed on every master, each through its own node connection, and again whenever Lettuce reports a
 * topology change (failover, new master, resharding), checked again every ten seconds in case an
 * announcement was missed; a node that stopped being a master is unsubscribed,
 * as a replica replays its master's deletions and would report them twice. Spring Session's created events
 * are plain {@code PUBLISH} messages, which a cluster forwards to every node: their pattern is subscribed
 * once, on the connection's default node, so each event arrives once. All of it goes through
 * {@link RedisSignals}, the starter's one pub/sub connection, which is closed before the connection factory
 * stops.
 * <p>
 * With {@code configureKeyspaceNotifications} the flags Spring Session needs ({@code Egx}) are added with
 * {@code CONFIG SET} on every master, including masters that appear later.
 * <p>
 * Needs Lettuce (native mode): Spring Data Redis has no pub/sub connection per cluster node.
 * <p>
 * Messages arrive on Lettuce's I/O thread; handling one reads Redis, so they are handed to two dispatch
 * threads with a bounded queue (a message is dropped with a warning when it is full, as pub/sub is
 * at-most-once anyway).
 */
public final class ClusterSessionEvents implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ClusterSessionEvents.class);

	private static final int QUEUE_CAPACITY = 10_000;

	private static final long RETRY_DELAY_MILLIS = 1000;

	private static final long TOPOLOGY_DELAY_MILLIS = 200;

	private static final long RESYNC_SECONDS = 10;

	private final RedisConnector connector;

	private final RedisSignals signals;

	private final RedisPatternsSessionRepository repository;

	private final boolean configureKeyspaceNotifications;

	private final List<String> keyeventChannels;

	private final String createdPattern;

	private final ThreadPoolExecutor dispatcher;

	private final Set<String> subscribedNodes = ConcurrentHashMap.newKeySet();

	private final ReentrantLock lock = new ReentrantLock();

	private final ScheduledExecutorService retries;

	private volatile @Nullable Disposable topologyEvents;

	private RedisSignals.@Nullable Subscription nodeMessages;

	private RedisSignals.@Nullable Subscription createdEvents;

	private volatile boolean failing;

	private volatile boolean closed;

	public ClusterSessionEvents(RedisConnector connector, RedisSignals signals,
			RedisPatternsSessionRepository repository, boolean configureKeyspaceNotifications) {
		this.connector = connector;
		this.signals = signals;
		this.repository = repository;
		this.configureKeyspaceNotifications = configureKeyspaceNotifications;
		this.keyeventChannels = List.copyOf(repository.eventChannels());
		this.createdPattern = repository.createdEventPattern();
		this.dispatcher = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
				connector.threads().factory("session-events"));
		this.retries = connector.threads().scheduler("session-events-subscriber");
	}

	/**
	 * Opens the pub/sub connection and subscribes every master; returns once Redis confirmed the
	 * subscriptions. When Redis cannot be reached now, subscribing is retried in the background every
	 * second until it succeeds.
	 */
	public void start() {
		AbstractRedisClient client = this.connector.lettuce().getNativeClient();
		if (!(client instanceof RedisClusterClient cluster)) {
			throw new IllegalStateException("Cluster session events need Redis Cluster, but the client is " + client);
		}
		// Lettuce announces a new topology just before its connections switch to it: look a moment later
		this.topologyEvents = cluster.getResources()
			.eventBus()
			.get()
			.filter(ClusterTopologyChangedEvent.class::isInstance)
			.subscribe((event) -> schedule(TOPOLOGY_DELAY_MILLIS));
		try {
			subscribe(cluster);
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot subscribe to session events now, retrying: " + ex.getMessage());
			schedule(RETRY_DELAY_MILLIS);
		}
		// a safety net for a missed announcement; costs nothing while every master is subscribed
		this.retries.scheduleWithFixedDelay(this::followTopology, RESYNC_SECONDS, RESYNC_SECONDS, TimeUnit.SECONDS);
	}

	/** Whether {@link #start} ran and {@link #close} did not. */
	public boolean isRunning() {
		return this.topologyEvents != null && !this.closed;
	}

	/** Node ids of the masters whose keyevent channels are subscribed now (for tests and diagnostics). */
	public Set<String> subscribedNodes() {
		return Set.copyOf(this.subscribedNodes);
	}

	private void schedule(long delayMillis) {
		if (this.closed) {
			return;
		}
		try {
			this.retries.schedule(this::followTopology, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// closed meanwhile
		}
	}

	private void followTopology() {
		AbstractRedisClient client = this.connector.lettuce().getNativeClient();
		if (this.closed || !(client instanceof RedisClusterClient cluster)) {
			return;
		}
		try {
			subscribe(cluster);
			this.failing = false;
		}
		catch (RuntimeException ex) {
			// warn once per series of failures (an outage would otherwise log every second)
			if (!this.failing) {
				logger.warn("Could not subscribe to session events on every cluster master, retrying: "
						+ ex.getMessage());
			}
			this.failing = true;
			schedule(RETRY_DELAY_MILLIS);
		}
	}

	/** Idempotent: subscribes the created-event pattern and every master as needed. */
	private void subscribe(RedisClusterClient cluster) {
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			if (this.nodeMessages == null) {
				this.nodeMessages = this.signals.onNodeMessages(this.keyeventChannels,
						(channel, message) -> dispatch(channel, message, null));
			}
			if (this.createdEvents == null) {
				byte[] pattern = this.createdPattern.getBytes(StandardCharsets.UTF_8);
				this.createdEvents = this.signals.subscribePattern(this.createdPattern,
						(channel, message) -> dispatch(channel, message, pattern));
			}
			subscribeMasters(cluster);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Subscribes the keyevent channels on every master not yet subscribed; leaves former masters. */
	private void subscribeMasters(RedisClusterClient cluster) {
		List<RedisClusterNode> masters = new ArrayList<>();
		Set<String> masterIds = ConcurrentHashMap.newKeySet();
		for (RedisClusterNode node : cluster.getPartitions()) {
			if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
				// a master suspected to fail keeps its subscription, but is not subscribed anew
				masterIds.add(node.getNodeId());
				if (!node.is(RedisClusterNode.NodeFlag.FAIL) && !node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)) {
					masters.add(node);
				}
			}
		}
		for (String nodeId : List.copyOf(this.subscribedNodes)) {
			if (!masterIds.contains(nodeId)) {
				this.subscribedNodes.remove(nodeId);
				this.signals.unsubscribeOnNode(nodeId, this.keyeventChannels);
			}
		}
		List<RedisClusterNode> fresh = masters.stream()
			.filter((master) -> !this.subscribedNodes.contains(master.getNodeId()))
			.toList();
		if (fresh.isEmpty()) {
			return;
		}
		if (this.configureKeyspaceNotifications) {
			configureKeyspaceNotifications(fresh);
		}
		List<CompletableFuture<Void>> confirmations = new ArrayList<>();
		for (RedisClusterNode master : fresh) {
			String nodeId = master.getNodeId();
			CompletableFuture<Void> subscribed = this.signals.subscribeOnNode(nodeId, this.keyeventChannels)
				.thenRun(() -> this.subscribedNodes.add(nodeId));
			confirmations.add(subscribed);
		}
		this.connector.await(CompletableFuture.allOf(confirmations.toArray(CompletableFuture[]::new)));
	}

	/** Adds {@code E}, {@code g} and {@code x} to {@code notify-keyspace-events} on each master lacking them. */
	private void configureKeyspaceNotifications(List<RedisClusterNode> masters) {
		for (RedisClusterNode master : masters) {
			try {
				org.springframework.data.redis.connection.RedisClusterNode node = new org.springframework.data.redis.connection.RedisClusterNode(
						master.getUri().getHost(), master.getUri().getPort());
				this.connector.execute((connection) -> {
					RedisClusterServerCommands server = ((RedisClusterConnection) connection).serverCommands();
					Properties current = server.getConfig(node, "notify-keyspace-events");
					String flags = (current != null) ? current.getProperty("notify-keyspace-events", "") : "";
					String wanted = withSessionFlags(flags);
					if (!wanted.equals(flags)) {
						server.setConfig(node, "notify-keyspace-events", wanted);
					}
					return null;
				});
			}
			catch (RuntimeException ex) {
				logger.warn("Could not enable keyspace notifications on cluster node " + master.getUri() + ": "
						+ ex.getMessage());
			}
		}
	}

	/** The flags Spring Session's expiry and deletion events need, added to what is configured. */
	static String withSessionFlags(String flags) {
		StringBuilder wanted = new StringBuilder(flags);
		if (flags.indexOf('E') < 0) {
			wanted.append('E');
		}
		boolean all = flags.indexOf('A') >= 0;
		if (!all && flags.indexOf('g') < 0) {
			wanted.append('g');
		}
		if (!all && flags.indexOf('x') < 0) {
			wanted.append('x');
		}
		return wanted.toString();
	}

	private void dispatch(byte[] channel, byte[] body, byte @Nullable [] pattern) {
		try {
			this.dispatcher.execute(() -> this.repository.onMessage(new DefaultMessage(channel, body), pattern));
		}
		catch (RejectedExecutionException ex) {
			if (!this.closed) {
				logger.warn("Dropped a session event: they arrive faster than they are handled");
			}
		}
	}

	@Override
	public void close() {
		this.lock.lock();
		try {
			this.closed = true;
			if (this.topologyEvents != null) {
				this.topologyEvents.dispose();
			}
			// the signals' connection stays open for the others until the context closes: leave what is ours
			if (this.createdEvents != null) {
				this.createdEvents.close();
				this.createdEvents = null;
			}
			if (this.nodeMessages != null) {
				this.nodeMessages.close();
				this.nodeMessages = null;
			}
			for (String nodeId : this.subscribedNodes) {
				this.signals.unsubscribeOnNode(nodeId, this.keyeventChannels);
			}
			this.subscribedNodes.clear();
		}
		finally {
			this.lock.unlock();
		}
		this.retries.shutdownNow();
		this.dispatcher.shutdownNow();
	}

}
