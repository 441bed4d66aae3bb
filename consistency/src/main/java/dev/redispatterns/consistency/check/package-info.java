/**
 * One checker per pattern: each reads a whole history (operations with their real-time intervals, the
 * shared database's events, the faults) and reports anomalies, and the documented look-alikes it explains.
 */
package dev.redispatterns.consistency.check;
