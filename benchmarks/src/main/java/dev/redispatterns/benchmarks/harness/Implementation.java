package dev.redispatterns.benchmarks.harness;

import org.jspecify.annotations.Nullable;

/**
 * One library (or raw Lettuce) doing one family of workloads. Implementations are listed per family in
 * {@code Catalog}; every workload of the family measures each of them in its own JVM.
 *
 * @param id short name used in cell ids ({@code ratelimit-hot-16/redisson}) and in {@code -Dbench.include}
 * @param label how the report names it
 * @param role whether it is the floor, a peer, this starter, or not measurable yet
 * @param factory creates the subject inside the cell's JVM ({@code null} when not applicable)
 * @param baseline id of the implementation whose throughput is this one's ratio denominator
 *        ({@code null}: the workload's first floor)
 * @param note shown under the workload's table (configuration that matters, why not applicable)
 * @param <S> the family's subject interface
 */
public record Implementation<S extends AutoCloseable>(String id, String label, Role role,
		@Nullable SubjectFactory<S> factory, @Nullable String baseline, @Nullable String note) {

	/** What an implementation is in the comparison. */
	public enum Role {

		/** Raw Lettuce doing the minimum Redis work: the physical limit the others are a ratio of. */
		FLOOR,

		/** A library people use today. */
		PEER,

		/** This starter's engine. */
		STARTER,

		/** Listed in the report but not measured (why in the note). */
		NOT_APPLICABLE

	}

	public static <S extends AutoCloseable> Implementation<S> floor(String id, String label, SubjectFactory<S> factory,
			@Nullable String note) {
		return new Implementation<>(id, label, Role.FLOOR, factory, null, note);
	}

	public static <S extends AutoCloseable> Implementation<S> peer(String id, String label, SubjectFactory<S> factory,
			@Nullable String note) {
		return new Implementation<>(id, label, Role.PEER, factory, null, note);
	}

	public static <S extends AutoCloseable> Implementation<S> starter(String id, String label,
			SubjectFactory<S> factory, @Nullable String baseline, @Nullable String note) {
		return new Implementation<>(id, label, Role.STARTER, factory, baseline, note);
	}

	public static <S extends AutoCloseable> Implementation<S> notApplicable(String id, String label, String reason) {
		return new Implementation<>(id, label, Role.NOT_APPLICABLE, null, null, reason);
	}

	public boolean measurable() {
		return this.role != Role.NOT_APPLICABLE && this.factory != null;
	}

}
