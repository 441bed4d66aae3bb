package dev.redispatterns.structures;

import java.util.function.Supplier;

import dev.redispatterns.structures.StructuresListener.Structure;

/** Runs one operation of a structure and tells the listener how long it took and whether it failed. */
final class TimedOperations {

	private TimedOperations() {
	}

	static <T> T timed(StructuresListener listener, Structure structure, String name, String operation,
			Supplier<T> action) {
		long start = System.nanoTime();
		boolean failed = true;
		try {
			T result = action.get();
			failed = false;
			return result;
		}
		finally {
			listener.onOperation(structure, name, operation, System.nanoTime() - start, failed);
		}
	}

}
