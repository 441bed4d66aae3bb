package dev.redispatterns.structures;

import java.util.List;

/**
 * What the data-structure services report, for metrics: one call per operation with its duration. Names
 * are the board and counter names the application chose, never members, items or ids. Methods have no-op
 * defaults; they run on the caller's thread, so implementations must be quick and must not throw.
 */
public interface StructuresListener {

	/** A listener that does nothing. */
	StructuresListener NONE = new StructuresListener() {
	};

	/** One listener that forwards to all of {@code listeners}. */
	static StructuresListener composite(List<? extends StructuresListener> listeners) {
		if (listeners.isEmpty()) {
			return NONE;
		}
		if (listeners.size() == 1) {
			return listeners.get(0);
		}
		List<StructuresListener> all = List.copyOf(listeners);
		return new StructuresListener() {

			@Override
			public void onOperation(Structure structure, String name, String operation, long nanos, boolean failed) {
				all.forEach((listener) -> listener.onOperation(structure, name, operation, nanos, failed));
			}

			@Override
			public void onFlushed(String counter, int entries, long nanos, boolean failed) {
				all.forEach((listener) -> listener.onFlushed(counter, entries, nanos, failed));
			}

		};
	}

	/**
	 * One operation finished.
	 * @param structure which service
	 * @param name board or counter name
	 * @param operation what was done, for example {@code submit} or {@code top}
	 * @param nanos how long it took
	 * @param failed whether it threw
	 */
	default void onOperation(Structure structure, String name, String operation, long nanos, boolean failed) {
	}

	/**
	 * A write-behind batch was handed to its sink.
	 * @param counter write-behind counter name
	 * @param entries ids in the batch
	 * @param nanos how long the sink and the acknowledgement took
	 * @param failed whether the sink threw (the batch is then retried)
	 */
	default void onFlushed(String counter, int entries, long nanos, boolean failed) {
	}

	/** The services. */
	enum Structure {

		LEADERBOARD("leaderboard"), UNIQUE_COUNTER("unique-counter"), COUNTER("counter"), WRITE_BEHIND("write-behind");

		private final String tag;

		Structure(String tag) {
			this.tag = tag;
		}

		/** Name in meter names and tags. */
		public String tag() {
			return this.tag;
		}

	}

}
