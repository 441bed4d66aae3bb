package dev.redispatterns.sample.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;

import dev.redispatterns.lock.LockNotAcquiredException;

/**
 * The shop's own refusals as RFC 9457 problem bodies, like the starter's 429s. A lock that could not be
 * had in time (another checkout of the same order is still running, or Redis is unreachable and locks
 * fail closed) is a temporary condition: 503 with {@code Retry-After}.
 */
@RestControllerAdvice
class ShopExceptionHandler {

	@ExceptionHandler(ResponseStatusException.class)
	ResponseEntity<ProblemDetail> refused(ResponseStatusException ex) {
		return ResponseEntity.status(ex.getStatusCode()).headers(ex.getHeaders()).body(ex.getBody());
	}

	@ExceptionHandler(LockNotAcquiredException.class)
	ResponseEntity<ProblemDetail> lockNotAcquired(LockNotAcquiredException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"Busy, try again: " + ex.getMessage());
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body(problem);
	}

}
