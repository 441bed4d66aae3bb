package dev.redispatterns.ratelimit.web;

import java.util.Collections;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.redispatterns.core.internal.IdentityHasher;
import dev.redispatterns.ratelimit.web.internal.ClientAddressResolver;
import dev.redispatterns.ratelimit.web.internal.ReactiveClientIp;

/**
 * The client address of a request as a rate-limit key, for key expressions: registered as the bean
 * {@code clientIp}, so {@code @RateLimited(value = "api", key = "@clientIp.current()")} in Spring MVC or
 * {@code key = "@clientIp.resolve(#exchange)"} in WebFlux. Forwarded-for headers count only from trusted
 * proxies (see {@link ClientAddressResolver}). With {@code redis.patterns.keys.hash-identities} the address
 * comes back as a keyed hash ({@code h:...}), the same on every instance, so keys do not hold addresses.
 */
public final class ClientIpKeyResolver {

	private static final boolean SERVLET_PRESENT = ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest",
			ClientIpKeyResolver.class.getClassLoader());

	private static final boolean REACTIVE_PRESENT = ClassUtils.isPresent("org.springframework.web.server.ServerWebExchange",
			ClientIpKeyResolver.class.getClassLoader())
			&& ClassUtils.isPresent("reactor.core.publisher.Mono", ClientIpKeyResolver.class.getClassLoader());

	private final ClientAddressResolver resolver;

	private final IdentityHasher identities;

	public ClientIpKeyResolver(ClientAddressResolver resolver) {
		this(resolver, IdentityHasher.none());
	}

	/** Resolves addresses and hashes them with {@code identities} (as the filter rules' {@code ip:} keys). */
	public ClientIpKeyResolver(ClientAddressResolver resolver, IdentityHasher identities) {
		this.resolver = resolver;
		this.identities = identities;
	}

	/**
	 * The client address of a request: an {@code HttpServletRequest}, a {@code ServerHttpRequest} or a
	 * {@code ServerWebExchange}.
	 */
	public String resolve(Object request) {
		if (SERVLET_PRESENT && Servlet.isRequest(request)) {
			return hashed(Servlet.clientIp(this.resolver, request));
		}
		if (REACTIVE_PRESENT && ReactiveClientIp.isRequest(request)) {
			return hashed(ReactiveClientIp.clientIp(this.resolver, request));
		}
		throw new IllegalArgumentException("Cannot find a client address in a " + request.getClass().getName()
				+ "; pass an HttpServletRequest, a ServerHttpRequest or a ServerWebExchange");
	}

	/** The client address of the Spring MVC request bound to the current thread. */
	public String current() {
		String address = SERVLET_PRESENT ? Servlet.currentClientIp(this.resolver) : null;
		if (address != null) {
			return hashed(address);
		}
		throw new IllegalStateException("No Spring MVC request is bound to this thread; in WebFlux use "
				+ "@clientIp.resolve(#exchange) with a ServerWebExchange argument");
	}

	/** The client address from a peer address and the forwarded-for header values. */
	public String resolve(@Nullable String remoteAddress, List<String> forwardedFor) {
		return hashed(this.resolver.resolve(remoteAddress, forwardedFor));
	}

	private String hashed(String address) {
		return this.identities.apply("ip", address);
	}

	static final class Servlet {

		private Servlet() {
		}

		static boolean isRequest(Object request) {
			return request instanceof HttpServletRequest;
		}

		static String clientIp(ClientAddressResolver resolver, Object request) {
			HttpServletRequest servlet = (HttpServletRequest) request;
			return resolver.resolve(servlet.getRemoteAddr(),
					Collections.list(servlet.getHeaders(resolver.header())));
		}

		static @Nullable String currentClientIp(ClientAddressResolver resolver) {
			RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
			return (attributes instanceof ServletRequestAttributes servlet) ? clientIp(resolver, servlet.getRequest())
					: null;
		}

	}

}
