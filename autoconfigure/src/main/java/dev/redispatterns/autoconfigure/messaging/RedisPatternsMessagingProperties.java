package dev.redispatterns.autoconfigure.messaging;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.redispatterns.messaging.StreamPolicy;

/**
 * Messaging settings: pub/sub, streams and queues. Streams and queues have shared defaults
 * ({@code stream.*}, {@code queue.*}) that each name can override ({@code streams.<name>.*},
 * {@code queues.<name>.*}).
 */
@ConfigurationProperties("redis.patterns.messaging")
public class RedisPatternsMessagingProperties {

	/**
	 * Whether messaging (pub/sub listeners and publisher, streams, queues) is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Longest wait for running stream and queue handlers when the application stops. Handlers still running
	 * then are interrupted; their messages stay unacknowledged and are delivered again.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(10);

	private final PubSub pubSub = new PubSub();

	private final Stream stream = new Stream();

	/**
	 * Per-stream overrides of the 'stream' defaults, by stream name.
	 */
	private final Map<String, StreamPolicyProperties> streams = new LinkedHashMap<>();

	private final Queue queue = new Queue();

	/**
	 * Per-queue overrides of the 'queue' defaults, by queue name.
	 */
	private final Map<String, QueuePolicyProperties> queues = new LinkedHashMap<>();

	private final Idempotency idempotency = new Idempotency();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public PubSub getPubSub() {
		return this.pubSub;
	}

	public Stream getStream() {
		return this.stream;
	}

	public Map<String, StreamPolicyProperties> getStreams() {
		return this.streams;
	}

	public Queue getQueue() {
		return this.queue;
	}

	public Map<String, QueuePolicyProperties> getQueues() {
		return this.queues;
	}

	public Idempotency getIdempotency() {
		return this.idempotency;
	}

	/**
	 * Pub/sub settings.
	 */
	public static class PubSub {

		/**
		 * Whether pub/sub on Redis Cluster is sharded (SPUBLISH/SSUBSCRIBE: a message goes only to the node
		 * owning the channel's slot instead of to every node). Publishers and listeners of a channel must
		 * agree. Patterns cannot be sharded. Ignored outside a cluster.
		 */
		private boolean sharded = true;

		public boolean isSharded() {
			return this.sharded;
		}

		public void setSharded(boolean sharded) {
			this.sharded = sharded;
		}

	}

	/**
	 * Defaults for every stream.
	 */
	public static class Stream {

		/**
		 * Approximate upper bound on the number of entries kept in a stream: the oldest are trimmed as new ones
		 * are added, but never an entry some consumer group has not read and acknowledged (the stream then
		 * grows beyond the bound, with a warning). 0 for no length bound.
		 */
		private long maxLength = 100_000;

		/**
		 * Entries older than this (by Redis time) are trimmed as new ones are added, in addition to the length
		 * bound and under the same rule: never one a consumer group has not acknowledged. Not set by default.
		 */
		private @Nullable Duration maxAge;

		/**
		 * Most unacknowledged entries (delivered but not acknowledged, plus not yet delivered) any consumer
		 * group of a stream may have: beyond it, publishing refuses new entries with
		 * StreamBacklogFullException. 0 for no back-pressure.
		 */
		private long maxBacklog;

		/**
		 * Handler threads per stream listener.
		 */
		private int concurrency = 1;

		/**
		 * Most entries read with one XREADGROUP. A listener holds at most batch-size + concurrency entries in
		 * memory.
		 */
		private int batchSize = 10;

		/**
		 * Longest blocking wait of one read on the listener's dedicated connection. Keep it below
		 * 'spring.data.redis.timeout'.
		 */
		private Duration pollTimeout = Duration.ofSeconds(1);

		/**
		 * Entries left unacknowledged this long by a consumer that stopped renewing them (it died or hung)
		 * are claimed by a live consumer of the group. Live consumers renew the entries they hold, so slow
		 * handlers are not affected.
		 */
		private Duration reclaimAfter = Duration.ofSeconds(30);

		/**
		 * Deliveries after which an entry whose handler keeps failing is moved to the dead-letter stream and
		 * acknowledged.
		 */
		private int maxDeliveries = 5;

		/**
		 * Approximate upper bound on the number of entries kept in a dead-letter stream.
		 */
		private long deadLetterMaxLength = 10_000;

		/**
		 * Where a consumer group created by a listener starts: 'earliest' also delivers entries added before
		 * the group existed, 'latest' only new ones.
		 */
		private StreamPolicy.Start startFrom = StreamPolicy.Start.EARLIEST;

		/**
		 * Consumers that own no pending entries and have been idle this long are removed from the group
		 * (they belonged to instances that are gone).
		 */
		private Duration staleConsumerTimeout = Duration.ofHours(1);

		public long getMaxLength() {
			return this.maxLength;
		}

		public void setMaxLength(long maxLength) {
			this.maxLength = maxLength;
		}

		public @Nullable Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(@Nullable Duration maxAge) {
			this.maxAge = maxAge;
		}

		public long getMaxBacklog() {
			return this.maxBacklog;
		}

		public void setMaxBacklog(long maxBacklog) {
			this.maxBacklog = maxBacklog;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getPollTimeout() {
			return this.pollTimeout;
		}

		public void setPollTimeout(Duration pollTimeout) {
			this.pollTimeout = pollTimeout;
		}

		public Duration getReclaimAfter() {
			return this.reclaimAfter;
		}

		public void setReclaimAfter(Duration reclaimAfter) {
			this.reclaimAfter = reclaimAfter;
		}

		public int getMaxDeliveries() {
			return this.maxDeliveries;
		}

		public void setMaxDeliveries(int maxDeliveries) {
			this.maxDeliveries = maxDeliveries;
		}

		public long getDeadLetterMaxLength() {
			return this.deadLetterMaxLength;
		}

		public void setDeadLetterMaxLength(long deadLetterMaxLength) {
			this.deadLetterMaxLength = deadLetterMaxLength;
		}

		public StreamPolicy.Start getStartFrom() {
			return this.startFrom;
		}

		public void setStartFrom(StreamPolicy.Start startFrom) {
			this.startFrom = startFrom;
		}

		public Duration getStaleConsumerTimeout() {
			return this.staleConsumerTimeout;
		}

		public void setStaleConsumerTimeout(Duration staleConsumerTimeout) {
			this.staleConsumerTimeout = staleConsumerTimeout;
		}

	}

	/**
	 * Settings of one stream; unset values come from the 'stream' defaults.
	 */
	public static class StreamPolicyProperties {

		/**
		 * Approximate upper bound on the number of acknowledged entries kept; 0 for no length bound.
		 */
		private @Nullable Long maxLength;

		/**
		 * Acknowledged entries older than this are trimmed as new ones are added.
		 */
		private @Nullable Duration maxAge;

		/**
		 * Most unacknowledged entries any group may have before publishing is refused; 0 for no back-pressure.
		 */
		private @Nullable Long maxBacklog;

		/**
		 * Handler threads per listener.
		 */
		private @Nullable Integer concurrency;

		/**
		 * Most entries read with one XREADGROUP.
		 */
		private @Nullable Integer batchSize;

		/**
		 * Longest blocking wait of one read.
		 */
		private @Nullable Duration pollTimeout;

		/**
		 * Unacknowledged entries of consumers that stopped renewing them are claimed after this long.
		 */
		private @Nullable Duration reclaimAfter;

		/**
		 * Deliveries after which a failing entry is dead-lettered.
		 */
		private @Nullable Integer maxDeliveries;

		/**
		 * Approximate upper bound on the dead-letter stream's length.
		 */
		private @Nullable Long deadLetterMaxLength;

		/**
		 * Where a consumer group created by a listener starts.
		 */
		private StreamPolicy.@Nullable Start startFrom;

		/**
		 * Idle consumers without pending entries are removed after this long.
		 */
		private @Nullable Duration staleConsumerTimeout;

		public @Nullable Long getMaxLength() {
			return this.maxLength;
		}

		public void setMaxLength(@Nullable Long maxLength) {
			this.maxLength = maxLength;
		}

		public @Nullable Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(@Nullable Duration maxAge) {
			this.maxAge = maxAge;
		}

		public @Nullable Long getMaxBacklog() {
			return this.maxBacklog;
		}

		public void setMaxBacklog(@Nullable Long maxBacklog) {
			this.maxBacklog = maxBacklog;
		}

		public @Nullable Integer getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(@Nullable Integer concurrency) {
			this.concurrency = concurrency;
		}

		public @Nullable Integer getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(@Nullable Integer batchSize) {
			this.batchSize = batchSize;
		}

		public @Nullable Duration getPollTimeout() {
			return this.pollTimeout;
		}

		public void setPollTimeout(@Nullable Duration pollTimeout) {
			this.pollTimeout = pollTimeout;
		}

		public @Nullable Duration getReclaimAfter() {
			return this.reclaimAfter;
		}

		public void setReclaimAfter(@Nullable Duration reclaimAfter) {
			this.reclaimAfter = reclaimAfter;
		}

		public @Nullable Integer getMaxDeliveries() {
			return this.maxDeliveries;
		}

		public void setMaxDeliveries(@Nullable Integer maxDeliveries) {
			this.maxDeliveries = maxDeliveries;
		}

		public @Nullable Long getDeadLetterMaxLength() {
			return this.deadLetterMaxLength;
		}

		public void setDeadLetterMaxLength(@Nullable Long deadLetterMaxLength) {
			this.deadLetterMaxLength = deadLetterMaxLength;
		}

		public StreamPolicy.@Nullable Start getStartFrom() {
			return this.startFrom;
		}

		public void setStartFrom(StreamPolicy.@Nullable Start startFrom) {
			this.startFrom = startFrom;
		}

		public @Nullable Duration getStaleConsumerTimeout() {
			return this.staleConsumerTimeout;
		}

		public void setStaleConsumerTimeout(@Nullable Duration staleConsumerTimeout) {
			this.staleConsumerTimeout = staleConsumerTimeout;
		}

	}

	/**
	 * Defaults for every queue.
	 */
	public static class Queue {

		/**
		 * Most jobs a queue holds, ready and delayed together; adding more fails with QueueFullException
		 * instead of growing Redis memory without bound. 0 for no bound.
		 */
		private long maxLength = 1_000_000;

		/**
		 * Handler threads per queue listener; each takes one job at a time.
		 */
		private int concurrency = 1;

		/**
		 * Longest blocking wait of one BLMOVE on the listener's dedicated connection. Keep it below
		 * 'spring.data.redis.timeout'.
		 */
		private Duration pollTimeout = Duration.ofSeconds(1);

		/**
		 * Attempts after which a job whose handler keeps failing is moved to the dead-letter stream.
		 */
		private int maxDeliveries = 5;

		/**
		 * Wait before a failed job is attempted again.
		 */
		private Duration retryDelay = Duration.ofSeconds(5);

		/**
		 * Time without a heartbeat after which a consumer counts as dead; the jobs it was working on are then
		 * put back for the others.
		 */
		private Duration consumerTimeout = Duration.ofSeconds(30);

		/**
		 * Approximate upper bound on the number of entries kept in a dead-letter stream.
		 */
		private long deadLetterMaxLength = 10_000;

		public long getMaxLength() {
			return this.maxLength;
		}

		public void setMaxLength(long maxLength) {
			this.maxLength = maxLength;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public Duration getPollTimeout() {
			return this.pollTimeout;
		}

		public void setPollTimeout(Duration pollTimeout) {
			this.pollTimeout = pollTimeout;
		}

		public int getMaxDeliveries() {
			return this.maxDeliveries;
		}

		public void setMaxDeliveries(int maxDeliveries) {
			this.maxDeliveries = maxDeliveries;
		}

		public Duration getRetryDelay() {
			return this.retryDelay;
		}

		public void setRetryDelay(Duration retryDelay) {
			this.retryDelay = retryDelay;
		}

		public Duration getConsumerTimeout() {
			return this.consumerTimeout;
		}

		public void setConsumerTimeout(Duration consumerTimeout) {
			this.consumerTimeout = consumerTimeout;
		}

		public long getDeadLetterMaxLength() {
			return this.deadLetterMaxLength;
		}

		public void setDeadLetterMaxLength(long deadLetterMaxLength) {
			this.deadLetterMaxLength = deadLetterMaxLength;
		}

	}

	/**
	 * Settings of one queue; unset values come from the 'queue' defaults.
	 */
	public static class QueuePolicyProperties {

		/**
		 * Most jobs the queue holds; 0 for no bound.
		 */
		private @Nullable Long maxLength;

		/**
		 * Handler threads per listener.
		 */
		private @Nullable Integer concurrency;

		/**
		 * Longest blocking wait of one BLMOVE.
		 */
		private @Nullable Duration pollTimeout;

		/**
		 * Attempts after which a failing job is dead-lettered.
		 */
		private @Nullable Integer maxDeliveries;

		/**
		 * Wait before a failed job is attempted again.
		 */
		private @Nullable Duration retryDelay;

		/**
		 * Consumers silent this long are dead and their jobs are put back.
		 */
		private @Nullable Duration consumerTimeout;

		/**
		 * Approximate upper bound on the dead-letter stream's length.
		 */
		private @Nullable Long deadLetterMaxLength;

		public @Nullable Long getMaxLength() {
			return this.maxLength;
		}

		public void setMaxLength(@Nullable Long maxLength) {
			this.maxLength = maxLength;
		}

		public @Nullable Integer getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(@Nullable Integer concurrency) {
			this.concurrency = concurrency;
		}

		public @Nullable Duration getPollTimeout() {
			return this.pollTimeout;
		}

		public void setPollTimeout(@Nullable Duration pollTimeout) {
			this.pollTimeout = pollTimeout;
		}

		public @Nullable Integer getMaxDeliveries() {
			return this.maxDeliveries;
		}

		public void setMaxDeliveries(@Nullable Integer maxDeliveries) {
			this.maxDeliveries = maxDeliveries;
		}

		public @Nullable Duration getRetryDelay() {
			return this.retryDelay;
		}

		public void setRetryDelay(@Nullable Duration retryDelay) {
			this.retryDelay = retryDelay;
		}

		public @Nullable Duration getConsumerTimeout() {
			return this.consumerTimeout;
		}

		public void setConsumerTimeout(@Nullable Duration consumerTimeout) {
			this.consumerTimeout = consumerTimeout;
		}

		public @Nullable Long getDeadLetterMaxLength() {
			return this.deadLetterMaxLength;
		}

		public void setDeadLetterMaxLength(@Nullable Long deadLetterMaxLength) {
			this.deadLetterMaxLength = deadLetterMaxLength;
		}

	}

	/**
	 * Idempotency guard settings.
	 */
	public static class Idempotency {

		/**
		 * How long a claim on an idempotency key protects work in progress. Must be longer than the guarded
		 * work takes: once it lapses, a redelivery may run the work again.
		 */
		private Duration lease = Duration.ofMinutes(1);

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

	}

}
