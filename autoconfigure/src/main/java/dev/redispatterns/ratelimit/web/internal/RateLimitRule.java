package dev.redispatterns.ratelimit.web.internal;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.IdentityHasher;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * One URL rule of the rate-limit web filter: which requests (path patterns, methods), which policy, which
 * bucket. Buckets are typed ({@code ip:}, {@code user:}, {@code header:}, {@code var:}), so a header value
 * can never collide with an address; a request lacking the principal, header or variable of its rule
 * falls back to its client address.
 * <p>
 * Header and path-variable values are whatever the caller sends: by default such a bucket is per (value,
 * client address), so that no caller can spend the budget of another, and a rule applies to {@code HEAD}
 * wherever it applies to {@code GET} (Spring MVC serves {@code HEAD} with {@code GET} handlers).
 * <p>
 * With {@link #withIdentities(IdentityHasher) hashed identities} the values become keyed hashes
 * ({@code user:h:...}, {@code ip:h:...}), so rate-limit keys in Redis do not name users or addresses.
 */
public final class RateLimitRule {

	/** How a rule picks the bucket of a request. */
	public enum KeyType {

		CLIENT_IP, PRINCIPAL, HEADER, PATH_VARIABLE, GLOBAL

	}

	private final String name;

	private final List<PathPattern> patterns;

	private final Set<String> methods;

	private final String policy;

	private final KeyType keyType;

	private final @Nullable String keyName;

	private final long permits;

	private final boolean perClient;

	private final boolean beforeSecurity;

	private final IdentityHasher identities;

	/**
	 * A rule that counts header and path-variable keys per client address and runs after Spring Security.
	 * @see #RateLimitRule(String, List, List, String, String, long, boolean, boolean)
	 */
	public RateLimitRule(String name, List<String> patterns, List<String> methods, String policy, String key,
			long permits) {
		this(name, patterns, methods, policy, key, permits, true, false);
	}

	/**
	 * @param key {@code client-ip}, {@code principal}, {@code header:<name>}, {@code path-variable:<name>} or
	 * {@code global}
	 * @param perClient whether a header or path-variable key is counted per client address too
	 * @param beforeSecurity whether the rule runs before Spring Security (then it cannot key by principal)
	 * @throws IllegalArgumentException if a pattern or the key cannot be understood
	 */
	public RateLimitRule(String name, List<String> patterns, List<String> methods, String policy, String key,
			long permits, boolean perClient, boolean beforeSecurity) {
		if (patterns.isEmpty()) {
			throw new IllegalArgumentException("at least one path pattern is needed");
		}
		if (permits < 1) {
			throw new IllegalArgumentException("permits must be at least 1");
		}
		this.name = name;
		this.patterns = patterns.stream().map(PathPatternParser.defaultInstance::parse).toList();
		this.methods = methods.stream().map((method) -> method.trim().toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
		this.policy = policy;
		this.permits = permits;
		String spec = key.trim();
		int colon = spec.indexOf(':');
		String type = ((colon >= 0) ? spec.substring(0, colon) : spec).toLowerCase(Locale.ROOT);
		String argument = (colon >= 0) ? spec.substring(colon + 1).trim() : null;
		this.keyType = switch (type) {
			case "client-ip" -> KeyType.CLIENT_IP;
			case "principal" -> KeyType.PRINCIPAL;
			case "header" -> KeyType.HEADER;
			case "path-variable" -> KeyType.PATH_VARIABLE;
			case "global" -> KeyType.GLOBAL;
			default -> throw new IllegalArgumentException("'" + key
					+ "' is not a key: use client-ip, principal, header:<name>, path-variable:<name> or global");
		};
		boolean named = this.keyType == KeyType.HEADER || this.keyType == KeyType.PATH_VARIABLE;
		if (named && (argument == null || argument.isEmpty())) {
			throw new IllegalArgumentException("'" + key + "' needs a name, e.g. " + type + ":tenant");
		}
		if (!named && argument != null) {
			throw new IllegalArgumentException("'" + key + "' takes no name");
		}
		this.keyName = argument;
		if (beforeSecurity && this.keyType == KeyType.PRINCIPAL) {
			throw new IllegalArgumentException(
					"'" + key + "' cannot be used before Spring Security: no principal is known there yet");
		}
		this.perClient = perClient;
		this.beforeSecurity = beforeSecurity;
		this.identities = IdentityHasher.none();
	}

	private RateLimitRule(RateLimitRule rule, IdentityHasher identities) {
		this.name = rule.name;
		this.patterns = rule.patterns;
		this.methods = rule.methods;
		this.policy = rule.policy;
		this.keyType = rule.keyType;
		this.keyName = rule.keyName;
		this.permits = rule.permits;
		this.perClient = rule.perClient;
		this.beforeSecurity = rule.beforeSecurity;
		this.identities = identities;
	}

	/** This rule, with the identities in its keys (addresses, principals, header and variable values) hashed. */
	public RateLimitRule withIdentities(IdentityHasher identities) {
		return new RateLimitRule(this, identities);
	}

	public String name() {
		return this.name;
	}

	public String policy() {
		return this.policy;
	}

	public long permits() {
		return this.permits;
	}

	public KeyType keyType() {
		return this.keyType;
	}

	/** Whether the rule runs before Spring Security's filter chain. */
	public boolean beforeSecurity() {
		return this.beforeSecurity;
	}

	/** The match of a request, or {@code null} when the rule does not apply to it. */
	public PathPattern.@Nullable PathMatchInfo match(String method, PathContainer path) {
		if (!this.methods.isEmpty() && !this.methods.contains(method)
				&& !("HEAD".equals(method) && this.methods.contains("GET"))) {
			return null;
		}
		for (PathPattern pattern : this.patterns) {
			PathPattern.PathMatchInfo info = pattern.matchAndExtract(path);
			if (info != null) {
				return info;
			}
		}
		return null;
	}

	/** The bucket key of a matched request. */
	public String key(PathPattern.PathMatchInfo match, Supplier<String> clientIp, @Nullable String principal,
			Function<String, @Nullable String> header) {
		return switch (this.keyType) {
			case GLOBAL -> "global";
			case CLIENT_IP -> ip(clientIp);
			case PRINCIPAL -> (principal != null) ? "user:" + this.identities.apply("user", principal) : ip(clientIp);
			case HEADER -> chosen("header:", header.apply(this.keyName), clientIp);
			case PATH_VARIABLE -> chosen("var:", match.getUriVariables().get(this.keyName), clientIp);
		};
	}

	private String ip(Supplier<String> clientIp) {
		return "ip:" + this.identities.apply("ip", clientIp.get());
	}

	/** A key the caller chose: per client address unless the rule shares it, the address first (never empty). */
	private String chosen(String type, @Nullable String value, Supplier<String> clientIp) {
		if (value == null || value.isEmpty()) {
			return ip(clientIp);
		}
		String chosen = type + this.identities.apply(type + this.keyName, value);
		return this.perClient ? ip(clientIp) + "|" + chosen : chosen;
	}

}
