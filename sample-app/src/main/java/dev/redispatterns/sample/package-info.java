/**
 * The sample shop: the reference application for every pattern of the starter.
 */
package dev.redispatterns.sample;
