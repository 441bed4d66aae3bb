package dev.redispatterns.lock;

import java.util.Map;

/** Lock policies by lock name (the annotation's {@code name}), falling back to {@code defaults}. */
@FunctionalInterface
public interface LockPolicies {

	LockPolicy policy(String name);

	static LockPolicies of(LockPolicy defaults, Map<String, LockPolicy> byName) {
		Map<String, LockPolicy> copy = Map.copyOf(byName);
		return (name) -> copy.getOrDefault(name, defaults);
	}

}
