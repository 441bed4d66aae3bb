package dev.redispatterns.observability.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.messaging.QueuePolicy;
import dev.redispatterns.messaging.StreamPolicy;
import dev.redispatterns.messaging.internal.AnnotatedListenerLifecycle;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.messaging.internal.QueueConsumer;
import dev.redispatterns.messaging.internal.StreamConsumer;

import static dev.redispatterns.observability.internal.EndpointValues.bytes;
import static dev.redispatterns.observability.internal.EndpointValues.duration;
import static dev.redispatterns.observability.internal.EndpointValues.number;
import static dev.redispatterns.observability.internal.EndpointValues.text;

/**
 * The endpoint's {@code streams} and {@code queues} sections: settings, the consumers of this instance and,
 * from Redis, only counts ({@code XINFO GROUPS}, {@code XLEN}, {@code LLEN}, {@code ZCARD}).
 */
public final class MessagingReport {

	private final RedisConnector connector;

	private final RedisPatternsEndpoint.Sources sources;

	MessagingReport(RedisConnector connector, RedisPatternsEndpoint.Sources sources) {
		this.connector = connector;
		this.sources = sources;
	}

	Map<String, Object> streams(MessagingKeys keys) {
		Map<String, StreamPolicy> streams = new TreeMap<>();
		Map<String, TreeSet<String>> consumedBy = new TreeMap<>();
		AnnotatedListenerLifecycle listeners = this.sources.listeners();
		if (listeners != null) {
			for (StreamConsumer consumer : listeners.streamConsumers()) {
				streams.put(consumer.settings().name(), consumer.settings());
				consumedBy.computeIfAbsent(consumer.settings().name(), (name) -> new TreeSet<>()).add(consumer.group());
			}
		}
		Function<String, StreamPolicy> settings = this.sources.streamSettings();
		if (settings != null) {
			for (String name : this.sources.configuredStreams()) {
				streams.putIfAbsent(name, settings.apply(name));
			}
		}
		Map<String, Object> report = new TreeMap<>();
		streams.forEach((name, stream) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("settings", streamSettings(stream));
			entry.put("consumedHereBy", consumedBy.getOrDefault(name, new TreeSet<>()));
			try {
				byte[] key = bytes(keys.stream(name));
				entry.put("length", this.connector.await(this.connector.commands().xlen(key)));
				entry.put("deadLetters",
						this.connector.await(this.connector.commands().xlen(bytes(keys.streamDeadLetter(name)))));
				entry.put("groups", groups(key));
			}
			catch (RedisPatternsException ex) {
				entry.put("error", ex.getMessage());
			}
			report.put(name, entry);
		});
		return report;
	}

	/** {@code XINFO GROUPS}: per group its consumers, pending entries, lag and last delivered id. */
	private List<Map<String, Object>> groups(byte[] stream) {
		List<Map<String, @Nullable Object>> groups;
		try {
			groups = this.connector.await(this.connector.commands().xinfoGroups(stream));
		}
		catch (RedisPatternsException ex) {
			if (String.valueOf(ex.getMessage()).contains("no such key")) {
				return List.of();
			}
			throw ex;
		}
		List<Map<String, Object>> report = new ArrayList<>();
		for (Map<String, @Nullable Object> info : groups) {
			Map<String, Object> group = new LinkedHashMap<>();
			group.put("name", text(info.get("name")));
			group.put("consumers", number(info.get("consumers")));
			group.put("pending", number(info.get("pending")));
			group.put("lag", number(info.get("lag")));
			group.put("lastDeliveredId", text(info.get("last-delivered-id")));
			report.add(group);
		}
		return report;
	}

	Map<String, Object> queues(MessagingKeys keys) {
		Map<String, QueuePolicy> queues = new TreeMap<>();
		Map<String, Integer> consumers = new TreeMap<>();
		AnnotatedListenerLifecycle listeners = this.sources.listeners();
		if (listeners != null) {
			for (QueueConsumer consumer : listeners.queueConsumers()) {
				queues.put(consumer.settings().name(), consumer.settings());
				consumers.merge(consumer.settings().name(), 1, Integer::sum);
			}
		}
		Function<String, QueuePolicy> settings = this.sources.queueSettings();
		if (settings != null) {
			for (String name : this.sources.configuredQueues()) {
				queues.putIfAbsent(name, settings.apply(name));
			}
		}
		Map<String, Object> report = new TreeMap<>();
		queues.forEach((name, queue) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("settings", queueSettings(queue));
			entry.put("consumersHere", consumers.getOrDefault(name, 0));
			try {
				entry.put("ready", this.connector.await(this.connector.commands().llen(bytes(keys.queueReady(name)))));
				entry.put("delayed", this.connector.await(this.connector.commands().zcard(bytes(keys.queueDelayed(name)))));
				entry.put("consumers",
						this.connector.await(this.connector.commands().zcard(bytes(keys.queueConsumers(name)))));
				entry.put("deadLetters",
						this.connector.await(this.connector.commands().xlen(bytes(keys.queueDeadLetter(name)))));
			}
			catch (RedisPatternsException ex) {
				entry.put("error", ex.getMessage());
			}
			report.put(name, entry);
		});
		return report;
	}

	private static Map<String, Object> streamSettings(StreamPolicy settings) {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("maxLength", settings.maxLength());
		Duration maxAge = settings.maxAge();
		report.put("maxAge", (maxAge != null) ? duration(maxAge) : "none");
		report.put("concurrency", settings.concurrency());
		report.put("batchSize", settings.batchSize());
		report.put("pollTimeout", duration(settings.pollTimeout()));
		report.put("reclaimAfter", duration(settings.reclaimAfter()));
		report.put("maxDeliveries", settings.maxDeliveries());
		report.put("deadLetterMaxLength", settings.deadLetterMaxLength());
		report.put("startFrom", settings.start().name().toLowerCase(Locale.ROOT));
		report.put("staleConsumerTimeout", duration(settings.staleConsumerTimeout()));
		return report;
	}

	private static Map<String, Object> queueSettings(QueuePolicy settings) {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("maxLength", settings.maxLength());
		report.put("concurrency", settings.concurrency());
		report.put("pollTimeout", duration(settings.pollTimeout()));
		report.put("maxDeliveries", settings.maxDeliveries());
		report.put("retryDelay", duration(settings.retryDelay()));
		report.put("consumerTimeout", duration(settings.consumerTimeout()));
		report.put("deadLetterMaxLength", settings.deadLetterMaxLength());
		return report;
	}

}
