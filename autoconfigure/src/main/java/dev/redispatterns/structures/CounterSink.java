package dev.redispatterns.structures;

/**
 * Applies a write-behind batch to the source of truth, for example
 * {@code UPDATE article SET views = views + ? WHERE id = ?} for each delta. Returning normally acknowledges
 * the batch; throwing keeps it for a retry with the same {@link CounterBatch#id()}. Delivery is therefore
 * at least once: a sink that must never apply a batch twice records the batch id in the same transaction
 * and skips ids it has seen.
 */
@FunctionalInterface
public interface CounterSink {

	void flush(CounterBatch batch) throws Exception;

}
