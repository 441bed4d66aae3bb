/**
 * HTTP answers for the shop's own failures (the starter answers rate-limit refusals itself).
 */
@NullMarked
package dev.redispatterns.sample.web;

import org.jspecify.annotations.NullMarked;
