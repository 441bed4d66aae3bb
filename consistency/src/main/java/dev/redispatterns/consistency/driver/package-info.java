/**
 * The driver of {@code consistency/run.sh}: Redis set-ups and faults, application JVMs, the shared
 * database, the randomized load and the report.
 */
package dev.redispatterns.consistency.driver;
