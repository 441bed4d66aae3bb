package dev.redispatterns.ratelimit.web.internal;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

import dev.redispatterns.ratelimit.RateLimitExceededException;
import dev.redispatterns.ratelimit.RateLimitUnavailableException;

/**
 * Turns the rate-limit exceptions of controllers into HTTP 429 (or 503 when Redis could not be asked and
 * the policy fails closed) with an RFC 9457 problem body and the rate-limit headers, in Spring MVC and
 * WebFlux alike. Ordered first, so an application's catch-all handler does not turn them into 500s;
 * declare a bean of this type to replace it.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 100)
public class RateLimitExceptionHandler {

	private final RateLimitProblems problems;

	public RateLimitExceptionHandler(RateLimitProblems problems) {
		this.problems = problems;
	}

	@ExceptionHandler(RateLimitExceededException.class)
	public ResponseEntity<ProblemDetail> rateLimitExceeded(RateLimitExceededException ex) {
		return respond(ex);
	}

	@ExceptionHandler(RateLimitUnavailableException.class)
	public ResponseEntity<ProblemDetail> rateLimitUnavailable(RateLimitUnavailableException ex) {
		return respond(ex);
	}

	private ResponseEntity<ProblemDetail> respond(RuntimeException ex) {
		HttpHeaders headers = new HttpHeaders();
		this.problems.headers(ex, headers::set);
		return ResponseEntity.status(RateLimitProblems.status(ex)).headers(headers).body(this.problems.problem(ex, null));
	}

}
