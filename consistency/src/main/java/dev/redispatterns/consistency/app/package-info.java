/**
 * The test application the consistency driver starts several times, each in its own JVM. It uses the
 * starter only through its public contract.
 */
package dev.redispatterns.consistency.app;
