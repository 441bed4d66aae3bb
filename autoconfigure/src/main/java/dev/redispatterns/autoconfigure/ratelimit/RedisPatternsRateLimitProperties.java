package dev.redispatterns.autoconfigure.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.redispatterns.ratelimit.RateLimitAlgorithm;

/**
 * Rate limiting settings: named policies, the behaviour while Redis is unreachable, and the web
 * integration.
 */
@ConfigurationProperties("redis.patterns.rate-limit")
public class RedisPatternsRateLimitProperties {

	/**
	 * Whether rate limiting is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Whether calls are let through while Redis cannot be reached (and no local fallback applies). Default
	 * of every policy; 'policies.<name>.fail-open' overrides it.
	 */
	private boolean failOpen = true;

	/**
	 * Rate-limit policies by name, referenced by @RateLimited("name"), the programmatic RateLimiter and the
	 * web filter rules.
	 */
	private Map<String, RateLimitPolicyProperties> policies = new LinkedHashMap<>();

	private final Fallback fallback = new Fallback();

	private final LocalRejections localRejections = new LocalRejections();

	private final Overrides overrides = new Overrides();

	private final Web web = new Web();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isFailOpen() {
		return this.failOpen;
	}

	public void setFailOpen(boolean failOpen) {
		this.failOpen = failOpen;
	}

	public Map<String, RateLimitPolicyProperties> getPolicies() {
		return this.policies;
	}

	public void setPolicies(Map<String, RateLimitPolicyProperties> policies) {
		this.policies = policies;
	}

	public Fallback getFallback() {
		return this.fallback;
	}

	public LocalRejections getLocalRejections() {
		return this.localRejections;
	}

	public Overrides getOverrides() {
		return this.overrides;
	}

	public Web getWeb() {
		return this.web;
	}

	/**
	 * One named policy.
	 */
	public static class RateLimitPolicyProperties {

		/**
		 * Algorithm: fixed-window, sliding-window, sliding-log, token-bucket or gcra.
		 */
		private @Nullable RateLimitAlgorithm algorithm;

		/**
		 * Permits allowed per window (all algorithms but token-bucket).
		 */
		private @Nullable Long limit;

		/**
		 * Window the limit applies to (all algorithms but token-bucket).
		 */
		private @Nullable Duration window;

		/**
		 * Most tokens the bucket holds, hence the largest burst (token-bucket only).
		 */
		private @Nullable Long capacity;

		/**
		 * Tokens added per second, fractions allowed (token-bucket only).
		 */
		private @Nullable Double refillRate;

		/**
		 * Whether calls are let through while Redis cannot be reached. Defaults to
		 * 'redis.patterns.rate-limit.fail-open'.
		 */
		private @Nullable Boolean failOpen;

		/**
		 * Whether the local in-memory fallback limiter decides while Redis cannot be reached. Defaults to
		 * 'redis.patterns.rate-limit.fallback.enabled'.
		 */
		private @Nullable Boolean localFallback;

		/**
		 * Tiers by name (for example the plans of an API product), chosen per call by @RateLimited(tier =
		 * "<SpEL>"); each takes any of the policy's settings, unset ones are the policy's own.
		 */
		private Map<String, RateLimitPolicyProperties> tiers = new LinkedHashMap<>();

		public @Nullable RateLimitAlgorithm getAlgorithm() {
			return this.algorithm;
		}

		public void setAlgorithm(@Nullable RateLimitAlgorithm algorithm) {
			this.algorithm = algorithm;
		}

		public @Nullable Long getLimit() {
			return this.limit;
		}

		public void setLimit(@Nullable Long limit) {
			this.limit = limit;
		}

		public @Nullable Duration getWindow() {
			return this.window;
		}

		public void setWindow(@Nullable Duration window) {
			this.window = window;
		}

		public @Nullable Long getCapacity() {
			return this.capacity;
		}

		public void setCapacity(@Nullable Long capacity) {
			this.capacity = capacity;
		}

		public @Nullable Double getRefillRate() {
			return this.refillRate;
		}

		public void setRefillRate(@Nullable Double refillRate) {
			this.refillRate = refillRate;
		}

		public @Nullable Boolean getFailOpen() {
			return this.failOpen;
		}

		public void setFailOpen(@Nullable Boolean failOpen) {
			this.failOpen = failOpen;
		}

		public @Nullable Boolean getLocalFallback() {
			return this.localFallback;
		}

		public void setLocalFallback(@Nullable Boolean localFallback) {
			this.localFallback = localFallback;
		}

		public Map<String, RateLimitPolicyProperties> getTiers() {
			return this.tiers;
		}

		public void setTiers(Map<String, RateLimitPolicyProperties> tiers) {
			this.tiers = tiers;
		}

	}

	/**
	 * Limits changed at run time through the RateLimitOverrides bean, kept in Redis.
	 */
	public static class Overrides {

		/**
		 * Whether policies can be overridden at run time (RateLimitOverrides bean, actuator endpoint).
		 */
		private boolean enabled = true;

		/**
		 * How often every instance checks for changed overrides, besides being told at once by pub/sub.
		 */
		private Duration refreshInterval = Duration.ofMillis(500);

		/**
		 * Most overrides at a time, for whole policies and single keys together.
		 */
		private int maxEntries = 1000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

	}

	/**
	 * Refusing a key on this instance, without a round trip, until the time Redis said it would take it
	 * again.
	 */
	public static class LocalRejections {

		/**
		 * Whether a key Redis refused is refused locally until its retry-after has passed. A permit given
		 * back or a bucket reset on another instance (or in Redis) is seen here at that time at the latest.
		 */
		private boolean enabled = false;

		/**
		 * Most refused keys remembered per policy; past it, further refusals are not remembered until
		 * earlier ones have run out.
		 */
		private int maxKeys = 10_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxKeys() {
			return this.maxKeys;
		}

		public void setMaxKeys(int maxKeys) {
			this.maxKeys = maxKeys;
		}

	}

	/**
	 * Local in-memory limiter used while Redis cannot be reached.
	 */
	public static class Fallback {

		/**
		 * Whether policies use the local fallback limiter by default while Redis cannot be reached.
		 */
		private boolean enabled = false;

		/**
		 * Number of application instances sharing each limit; each instance grants limit / instances while
		 * it decides alone.
		 */
		private int instances = 1;

		/**
		 * Most buckets the fallback limiter keeps in memory; past it the least recently used goes.
		 */
		private int maxKeys = 10_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getInstances() {
			return this.instances;
		}

		public void setInstances(int instances) {
			this.instances = instances;
		}

		public int getMaxKeys() {
			return this.maxKeys;
		}

		public void setMaxKeys(int maxKeys) {
			this.maxKeys = maxKeys;
		}

	}

	/**
	 * Spring MVC and WebFlux integration.
	 */
	public static class Web {

		/**
		 * Whether allowed responses carry the rate-limit headers too (refused ones always do).
		 */
		private boolean headers = true;

		/**
		 * Whether the IETF 'RateLimit' and 'RateLimit-Policy' fields are sent besides the 'X-RateLimit-*'
		 * headers.
		 */
		private boolean ietfHeaders = true;

		/**
		 * Proxies whose forwarded-for header is believed, as IP addresses or CIDR ranges (e.g. 10.0.0.0/8). A
		 * request from any other address is keyed by that address, whatever headers it sends.
		 */
		private List<String> trustedProxies = new ArrayList<>();

		/**
		 * Header listing the client and the proxies a request passed through, read from the right.
		 */
		private String forwardedForHeader = "X-Forwarded-For";

		/**
		 * Leading bits of an IPv6 client address that make its key (1 to 128): a host usually owns a whole
		 * /64 and could otherwise take a fresh bucket with every address.
		 */
		private int ipv6PrefixLength = 64;

		private final Filter filter = new Filter();

		public boolean isHeaders() {
			return this.headers;
		}

		public void setHeaders(boolean headers) {
			this.headers = headers;
		}

		public boolean isIetfHeaders() {
			return this.ietfHeaders;
		}

		public void setIetfHeaders(boolean ietfHeaders) {
			this.ietfHeaders = ietfHeaders;
		}

		public List<String> getTrustedProxies() {
			return this.trustedProxies;
		}

		public void setTrustedProxies(List<String> trustedProxies) {
			this.trustedProxies = trustedProxies;
		}

		public String getForwardedForHeader() {
			return this.forwardedForHeader;
		}

		public void setForwardedForHeader(String forwardedForHeader) {
			this.forwardedForHeader = forwardedForHeader;
		}

		public int getIpv6PrefixLength() {
			return this.ipv6PrefixLength;
		}

		public void setIpv6PrefixLength(int ipv6PrefixLength) {
			this.ipv6PrefixLength = ipv6PrefixLength;
		}

		public Filter getFilter() {
			return this.filter;
		}

	}

	/**
	 * Web filter applying policies to URL patterns, without annotations.
	 */
	public static class Filter {

		/**
		 * Order of the servlet filter / WebFlux web filter of the rules that run after Spring Security's
		 * filter chain (at -100), so that principals are known.
		 */
		private int order = 0;

		/**
		 * Order of the filter of the rules marked before-security: before Spring Security's filter chain (at
		 * -100), so that they also count the requests Spring Security answers itself.
		 */
		private int beforeSecurityOrder = -101;

		/**
		 * Rules by name; every rule matching a request applies, all or nothing.
		 */
		private Map<String, Rule> rules = new LinkedHashMap<>();

		public int getOrder() {
			return this.order;
		}

		public void setOrder(int order) {
			this.order = order;
		}

		public int getBeforeSecurityOrder() {
			return this.beforeSecurityOrder;
		}

		public void setBeforeSecurityOrder(int beforeSecurityOrder) {
			this.beforeSecurityOrder = beforeSecurityOrder;
		}

		public Map<String, Rule> getRules() {
			return this.rules;
		}

		public void setRules(Map<String, Rule> rules) {
			this.rules = rules;
		}

	}

	/**
	 * One URL rule of the web filter.
	 */
	public static class Rule {

		/**
		 * Path patterns the rule applies to, such as /api/** or /tenants/{tenant}/**.
		 */
		private List<String> patterns = new ArrayList<>();

		/**
		 * HTTP methods the rule applies to; empty means all.
		 */
		private List<String> methods = new ArrayList<>();

		/**
		 * Name of the policy to apply.
		 */
		private @Nullable String policy;

		/**
		 * Bucket of a request: client-ip, principal, header:<name>, path-variable:<name> or global. Requests
		 * without a principal, header or variable fall back to their client IP. Header and path-variable
		 * values are chosen by the caller.
		 */
		private String key = "client-ip";

		/**
		 * Whether a header or path-variable key is counted per client address too, so that no caller can
		 * spend the budget of another; false shares one bucket per value among all callers (only for values
		 * the application has verified, e.g. a tenant checked by Spring Security).
		 */
		private boolean perClient = true;

		/**
		 * Whether the rule runs before Spring Security's filter chain, so that requests it answers itself
		 * (failed sign-ins, 401, 403) count too. Not for principal keys: no principal is known yet.
		 */
		private boolean beforeSecurity;

		/**
		 * Permits one request costs.
		 */
		private long permits = 1;

		public boolean isPerClient() {
			return this.perClient;
		}

		public void setPerClient(boolean perClient) {
			this.perClient = perClient;
		}

		public boolean isBeforeSecurity() {
			return this.beforeSecurity;
		}

		public void setBeforeSecurity(boolean beforeSecurity) {
			this.beforeSecurity = beforeSecurity;
		}

		public List<String> getPatterns() {
			return this.patterns;
		}

		public void setPatterns(List<String> patterns) {
			this.patterns = patterns;
		}

		public List<String> getMethods() {
			return this.methods;
		}

		public void setMethods(List<String> methods) {
			this.methods = methods;
		}

		public @Nullable String getPolicy() {
			return this.policy;
		}

		public void setPolicy(@Nullable String policy) {
			this.policy = policy;
		}

		public String getKey() {
			return this.key;
		}

		public void setKey(String key) {
			this.key = key;
		}

		public long getPermits() {
			return this.permits;
		}

		public void setPermits(long permits) {
			this.permits = permits;
		}

	}

}
