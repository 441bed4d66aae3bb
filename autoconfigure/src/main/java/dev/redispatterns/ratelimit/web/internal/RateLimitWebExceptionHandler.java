package dev.redispatterns.ratelimit.web.internal;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Answers rate-limit refusals that reach the WebFlux exception handlers (from {@link RateLimitWebFilter} or
 * handlers that are not controllers) with 429 / 503 and a problem body, before Spring Boot's error
 * handler turns them into 500s.
 */
public class RateLimitWebExceptionHandler implements WebExceptionHandler, Ordered {

	private final RateLimitProblems problems;

	public RateLimitWebExceptionHandler(RateLimitProblems problems) {
		this.problems = problems;
	}

	@Override
	public int getOrder() {
		// before Spring Boot's ErrorWebExceptionHandler (-1)
		return -2;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (!RateLimitProblems.isRefusal(ex) || exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		RuntimeException refusal = (RuntimeException) ex;
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(RateLimitProblems.status(refusal));
		this.problems.headers(refusal, response.getHeaders()::set);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		byte[] body = this.problems.json(refusal, exchange.getRequest().getPath().value())
			.getBytes(StandardCharsets.UTF_8);
		DataBuffer buffer = response.bufferFactory().wrap(body);
		return response.writeWith(Mono.just(buffer));
	}

}
