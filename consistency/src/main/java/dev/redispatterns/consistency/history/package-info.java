/**
 * What a run records: operations with invoke and completion times on the driver's monotonic clock, the
 * shared database's events, the faults and the messages handled.
 */
package dev.redispatterns.consistency.history;
