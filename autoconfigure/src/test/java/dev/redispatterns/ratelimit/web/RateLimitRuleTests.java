package dev.redispatterns.ratelimit.web;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;

import dev.redispatterns.core.internal.IdentityHasher;
import dev.redispatterns.ratelimit.web.internal.RateLimitRule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RateLimitRuleTests {

	private static final PathContainer ORDERS = PathContainer.parsePath("/tenants/acme/orders");

	@Test
	void rulesMatchPatternsAndMethods() {
		RateLimitRule rule = new RateLimitRule("r", List.of("/api/**", "/tenants/{tenant}/**"), List.of("post"), "p",
				"client-ip", 1);
		assertThat(rule.match("POST", ORDERS)).isNotNull();
		assertThat(rule.match("GET", ORDERS)).as("other methods").isNull();
		assertThat(rule.match("POST", PathContainer.parsePath("/public/x"))).isNull();
		assertThat(new RateLimitRule("r", List.of("/**"), List.of(), "p", "global", 1).match("DELETE", ORDERS))
			.as("no methods: all")
			.isNotNull();
	}

	@Test
	void keysAreTypedAndFallBackToTheClientAddress() {
		assertThat(key("client-ip", null, Map.of())).isEqualTo("ip:203.0.113.5");
		assertThat(key("global", "alice", Map.of())).isEqualTo("global");
		assertThat(key("principal", "alice", Map.of())).isEqualTo("user:alice");
		assertThat(key("principal", null, Map.of())).isEqualTo("ip:203.0.113.5");
		assertThat(key("header:X-Api-Key", null, Map.of("X-Api-Key", "k1"))).as("chosen by the caller: per address")
			.isEqualTo("ip:203.0.113.5|header:k1");
		assertThat(key("header:X-Api-Key", null, Map.of())).isEqualTo("ip:203.0.113.5");
		assertThat(key("path-variable:tenant", null, Map.of())).isEqualTo("ip:203.0.113.5|var:acme");
		assertThat(key("path-variable:missing", null, Map.of())).isEqualTo("ip:203.0.113.5");
	}

	@Test
	void aRuleCanShareCallerChosenKeysAmongAllCallers() {
		RateLimitRule shared = new RateLimitRule("r", List.of("/tenants/{tenant}/**"), List.of(), "p",
				"path-variable:tenant", 1, false, false);
		assertThat(shared.key(shared.match("GET", ORDERS), () -> "203.0.113.5", null, (name) -> null))
			.isEqualTo("var:acme");
	}

	@Test
	void hashedIdentitiesKeepTheTypeAndHideEveryValue() {
		IdentityHasher identities = IdentityHasher.hmac("identity-secret-0123456789-abcdefghij".getBytes());
		RateLimitRule header = new RateLimitRule("r", List.of("/**"), List.of(), "p", "header:X-Api-Key", 1)
			.withIdentities(identities);
		String key = header.key(header.match("GET", ORDERS), () -> "203.0.113.5", null, (name) -> "secret-api-key");
		assertThat(key).matches("ip:h:[A-Za-z0-9_-]{22}\\|header:h:[A-Za-z0-9_-]{22}")
			.doesNotContain("203.0.113.5")
			.doesNotContain("secret-api-key");
		RateLimitRule variable = new RateLimitRule("r", List.of("/tenants/{tenant}/**"), List.of(), "p",
				"path-variable:tenant", 1, false, false).withIdentities(identities);
		assertThat(variable.key(variable.match("GET", ORDERS), () -> "203.0.113.5", null, (name) -> null))
			.startsWith("var:h:")
			.doesNotContain("acme");
		RateLimitRule principal = new RateLimitRule("r", List.of("/**"), List.of(), "p", "principal", 1)
			.withIdentities(identities);
		String alice = principal.key(principal.match("GET", ORDERS), () -> "203.0.113.5", "alice", (name) -> null);
		assertThat(alice).startsWith("user:h:").doesNotContain("alice");
		RateLimitRule other = new RateLimitRule("r", List.of("/**"), List.of(), "p", "principal", 1)
			.withIdentities(IdentityHasher.hmac("another-secret-0123456789-abcdefghij".getBytes()));
		assertThat(other.key(other.match("GET", ORDERS), () -> "x", "alice", (name) -> null)).as("another secret")
			.isNotEqualTo(alice);
		assertThat(principal.key(principal.match("GET", ORDERS), () -> "x", "alice", (name) -> null)).as("stable")
			.isEqualTo(alice);
	}

	@Test
	void headIsMatchedByGetRules() {
		RateLimitRule reads = new RateLimitRule("r", List.of("/**"), List.of("GET"), "p", "client-ip", 1);
		assertThat(reads.match("HEAD", ORDERS)).isNotNull();
		RateLimitRule writes = new RateLimitRule("r", List.of("/**"), List.of("POST"), "p", "client-ip", 1);
		assertThat(writes.match("HEAD", ORDERS)).isNull();
	}

	@Test
	void principalKeysCannotRunBeforeSpringSecurity() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RateLimitRule("r", List.of("/**"), List.of(), "p", "principal", 1, true, true));
	}

	@Test
	void invalidKeysAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RateLimitRule("r", List.of("/**"), List.of(), "p", "cookie:x", 1))
			.withMessageContaining("cookie:x");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RateLimitRule("r", List.of("/**"), List.of(), "p", "header:", 1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RateLimitRule("r", List.of("/**"), List.of(), "p", "global:x", 1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RateLimitRule("r", List.of(), List.of(), "p", "global", 1));
	}

	private static String key(String spec, String principal, Map<String, String> headers) {
		RateLimitRule rule = new RateLimitRule("r", List.of("/tenants/{tenant}/**"), List.of(), "p", spec, 1);
		PathPattern.PathMatchInfo match = rule.match("GET", ORDERS);
		assertThat(match).isNotNull();
		return rule.key(match, () -> "203.0.113.5", principal, headers::get);
	}

}
