package dev.redispatterns.ratelimit.web.internal;

import java.util.List;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * The client address of a WebFlux request; a class of its own so that servlet-only applications never load
 * WebFlux types.
 */
public final class ReactiveClientIp {

	private ReactiveClientIp() {
	}

	public static boolean isRequest(Object request) {
		return request instanceof ServerHttpRequest || request instanceof ServerWebExchange;
	}

	public static String clientIp(ClientAddressResolver resolver, Object request) {
		ServerHttpRequest http = (request instanceof ServerWebExchange exchange) ? exchange.getRequest()
				: (ServerHttpRequest) request;
		java.net.InetSocketAddress remote = http.getRemoteAddress();
		String address = (remote != null && remote.getAddress() != null) ? remote.getAddress().getHostAddress()
				: (remote != null) ? remote.getHostString() : null;
		List<String> values = http.getHeaders().getValuesAsList(resolver.header());
		return resolver.resolve(address, values);
	}

}
