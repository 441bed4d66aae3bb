/**
 * Rate limiting for Spring MVC and WebFlux: HTTP 429 / 503 with RFC 9457 problem bodies, the
 * {@code X-RateLimit-*} headers and the IETF {@code RateLimit} / {@code RateLimit-Policy} fields, client
 * keys that a client cannot choose for itself, and a filter applying policies to URL patterns from
 * configuration. Servlet and reactive classes are kept apart so either stack works without the other.
 */
@NullMarked
package dev.redispatterns.ratelimit.web;

import org.jspecify.annotations.NullMarked;
