package dev.redispatterns.structures;

import java.util.Map;

/**
 * Deltas accumulated by a write-behind counter since the last flush, handed to its {@link CounterSink}.
 * @param counter the write-behind counter's name
 * @param id the batch id: the same when a batch is delivered again, so a sink that records it in the same
 * transaction as the deltas applies each batch exactly once
 * @param attempt 1 for the first delivery, more when the batch is delivered again after a failure
 * @param deltas the delta of each id; never empty, no zero deltas
 */
public record CounterBatch(String counter, String id, int attempt, Map<String, Long> deltas) {

	public CounterBatch {
		deltas = Map.copyOf(deltas);
	}

	/** Whether this batch was delivered before (the sink failed, or its instance died before acknowledging). */
	public boolean isRedelivery() {
		return this.attempt > 1;
	}

}
