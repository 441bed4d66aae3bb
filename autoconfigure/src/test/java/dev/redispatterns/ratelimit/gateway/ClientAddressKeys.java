package dev.redispatterns.ratelimit.gateway;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.web.server.ServerWebExchange;

import dev.redispatterns.ratelimit.web.ClientIpKeyResolver;

/**
 * The gateway test's key resolver: the client address, as the starter resolves it (forwarded-for believed
 * only from trusted proxies). A class of its own, outside the test-name patterns, because it is a gateway type.
 */
class ClientAddressKeys implements KeyResolver {

	private final ClientIpKeyResolver clientIp;

	ClientAddressKeys(ClientIpKeyResolver clientIp) {
		this.clientIp = clientIp;
	}

	@Override
	public Mono<String> resolve(ServerWebExchange exchange) {
		return Mono.just(this.clientIp.resolve(exchange));
	}

}
