package dev.redispatterns.observability.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.lock.HeldLock;
import dev.redispatterns.lock.LockManagerSettings;
import dev.redispatterns.lock.LockPolicy;
import dev.redispatterns.lock.RedisLockManager;

import static dev.redispatterns.observability.internal.EndpointValues.duration;

/**
 * The endpoint's {@code locks} section: policies, lock engine settings and the locks this instance holds,
 * listed by name or, as names evaluated from method arguments can be user data, by a mask.
 */
public final class LockReport {

	private final boolean showLockNames;

	/** Per-instance key of the lock-name masks: equal names look alike here, nothing can be looked up. */
	private final byte[] maskKey = new byte[32];

	LockReport(boolean showLockNames) {
		this.showLockNames = showLockNames;
		new SecureRandom().nextBytes(this.maskKey);
	}

	Map<String, Object> of(RedisLockManager manager, @Nullable LockPolicy defaults, Map<String, LockPolicy> policies) {
		Map<String, Object> report = new LinkedHashMap<>();
		if (defaults != null) {
			report.put("defaults", policy(defaults));
		}
		Map<String, Object> byName = new TreeMap<>();
		policies.forEach((name, policy) -> byName.put(name, policy(policy)));
		report.put("locks", byName);
		LockManagerSettings settings = manager.settings();
		report.put("watchdog", Map.of("lease", duration(settings.watchdogLease()), "interval",
				duration(settings.watchdogInterval()), "interruptHolder", settings.interruptOnLoss()));
		report.put("pollInterval", duration(settings.pollInterval()));
		report.put("fencingCounterTtl", duration(settings.fencingCounterTtl()));
		report.put("replicaAcks", settings.replicaAcks());
		report.put("replicaAckTimeout", duration(settings.replicaAckTimeout()));
		List<Map<String, Object>> held = new ArrayList<>();
		for (HeldLock lock : manager.heldLocks()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("name", this.showLockNames ? lock.name() : mask(lock.name()));
			entry.put("type", lock.type().id());
			entry.put("metricName", lock.metricName());
			entry.put("fencingToken", lock.fencingToken());
			entry.put("heldForMs", lock.heldFor().toMillis());
			entry.put("renewals", lock.renewals());
			entry.put("watchdog", lock.watchdog());
			entry.put("leaseRemainingMs", lock.leaseRemaining().toMillis());
			held.add(entry);
		}
		report.put("held", held);
		return report;
	}

	private static Map<String, Object> policy(LockPolicy policy) {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("waitTime", duration(policy.waitTime()));
		Duration lease = policy.leaseTime();
		report.put("leaseTime", (lease != null) ? duration(lease) : "watchdog");
		return report;
	}

	private String mask(String name) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.maskKey, "HmacSHA256"));
			return "masked:" + HexFormat.of().formatHex(mac.doFinal(name.getBytes(StandardCharsets.UTF_8)), 0, 8);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every Java runtime", ex);
		}
	}

}
