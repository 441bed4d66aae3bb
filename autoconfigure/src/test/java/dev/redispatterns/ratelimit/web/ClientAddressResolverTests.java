package dev.redispatterns.ratelimit.web;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.redispatterns.ratelimit.web.internal.ClientAddressResolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClientAddressResolverTests {

	private final ClientAddressResolver resolver = ClientAddressResolver.of(List.of("10.0.0.0/8", "192.168.1.1", "fd00::/8"),
			"X-Forwarded-For");

	@Test
	void untrustedPeersAreTheClientWhateverTheHeaderSays() {
		assertThat(this.resolver.resolve("203.0.113.9", List.of("1.2.3.4"))).isEqualTo("203.0.113.9");
		assertThat(this.resolver.resolve("203.0.113.9", List.of())).isEqualTo("203.0.113.9");
	}

	@Test
	void trustedProxiesAreWalkedFromTheRight() {
		// the client wrote "6.6.6.6" itself; the first proxy appended the real peer 198.51.100.4
		assertThat(this.resolver.resolve("10.1.2.3", List.of("6.6.6.6, 198.51.100.4, 10.9.9.9")))
			.isEqualTo("198.51.100.4");
		assertThat(this.resolver.resolve("192.168.1.1", List.of("6.6.6.6", "198.51.100.4"))).isEqualTo("198.51.100.4");
	}

	@Test
	void onlyTrustedHopsAllTheWayYieldTheLeftmost() {
		assertThat(this.resolver.resolve("10.1.2.3", List.of("10.7.7.7, 10.8.8.8"))).isEqualTo("10.7.7.7");
	}

	@Test
	void malformedEntriesStopTheWalk() {
		assertThat(this.resolver.resolve("10.1.2.3", List.of("198.51.100.4, not-an-ip, 10.9.9.9"))).isEqualTo("10.9.9.9");
		assertThat(this.resolver.resolve("10.1.2.3", List.of("evil.example.com"))).isEqualTo("10.1.2.3");
	}

	@Test
	void ipv6PortsBracketsAndZonesAreUnderstood() {
		assertThat(this.resolver.resolve("fd00::1", List.of("[2001:db8::1]:443"))).isEqualTo("2001:db8:0:0:0:0:0:0/64");
		assertThat(this.resolver.resolve("10.0.0.1", List.of("198.51.100.4:5678"))).isEqualTo("198.51.100.4");
		assertThat(this.resolver.resolve("0:0:0:0:0:0:0:1%0", List.of("1.2.3.4"))).isEqualTo("0:0:0:0:0:0:0:0/64");
		assertThat(this.resolver.resolve(null, List.of())).isEqualTo("unknown");
	}

	@Test
	void rangesAreMatchedBitByBit() {
		ClientAddressResolver narrow = ClientAddressResolver.of(List.of("172.16.0.0/12"), "X-Forwarded-For");
		assertThat(narrow.resolve("172.31.255.255", List.of("8.8.8.8"))).isEqualTo("8.8.8.8");
		assertThat(narrow.resolve("172.32.0.1", List.of("8.8.8.8"))).isEqualTo("172.32.0.1");
	}

	@Test
	void invalidRangesAreRefusedAndHostNamesNeverLookedUp() {
		assertThatIllegalArgumentException().isThrownBy(() -> ClientAddressResolver.of(List.of("10.0.0.0/33"), "x"));
		assertThatIllegalArgumentException().isThrownBy(() -> ClientAddressResolver.of(List.of("proxy.internal"), "x"))
			.withMessageContaining("proxy.internal");
		assertThatIllegalArgumentException().isThrownBy(() -> ClientAddressResolver.of(List.of("10.0.0.0/x"), "x"));
	}

	@Test
	void ipv6ClientsAreKeyedByTheirNetwork() {
		assertThat(this.resolver.resolve("2001:db8:1:2::1", List.of())).isEqualTo("2001:db8:1:2:0:0:0:0/64");
		assertThat(this.resolver.resolve("2001:db8:1:2:ffff:eeee:dddd:cccc", List.of()))
			.isEqualTo("2001:db8:1:2:0:0:0:0/64");
		assertThat(this.resolver.resolve("fd00::9", List.of("2001:db8:1:3::1"))).isEqualTo("2001:db8:1:3:0:0:0:0/64");
		ClientAddressResolver by56 = ClientAddressResolver.of(List.of(), "X-Forwarded-For", 56);
		assertThat(by56.resolve("2001:db8:1:2ff::1", List.of())).isEqualTo("2001:db8:1:200:0:0:0:0/56");
		ClientAddressResolver exact = ClientAddressResolver.of(List.of(), "X-Forwarded-For", 128);
		assertThat(exact.resolve("2001:db8::1", List.of())).isEqualTo("2001:db8:0:0:0:0:0:1");
		assertThat(by56.resolve("203.0.113.9", List.of())).as("IPv4 unchanged").isEqualTo("203.0.113.9");
		assertThatIllegalArgumentException().isThrownBy(() -> ClientAddressResolver.of(List.of(), "x", 0));
	}

}
