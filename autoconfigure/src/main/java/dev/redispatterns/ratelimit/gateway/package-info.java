/**
 * Rate limiting of Spring Cloud Gateway routes with the starter's policies.
 */
@NullMarked
package dev.redispatterns.ratelimit.gateway;

import org.jspecify.annotations.NullMarked;
