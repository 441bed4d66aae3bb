package dev.redispatterns.benchmarks.harness;

import java.util.List;

/**
 * A workload whose implementations share one subject interface {@code S}: the workload drives the
 * subject, each implementation only adapts its library to {@code S}. Adding an implementation is one
 * class implementing {@code S} plus one line in {@code Catalog}.
 *
 * @param <S> the family's subject interface
 */
public abstract class SubjectWorkload<S extends AutoCloseable> extends Workload {

	private final List<Implementation<S>> implementations;

	protected SubjectWorkload(String id, String title, String description, int threads, int jvms,
			List<Implementation<S>> implementations) {
		super(id, title, description, threads, jvms);
		this.implementations = List.copyOf(implementations);
	}

	@Override
	public final List<Implementation<S>> implementations() {
		return this.implementations;
	}

	@Override
	public final CellResult run(String implementationId, CellContext context) throws Exception {
		Implementation<S> implementation = this.implementations.stream()
			.filter((candidate) -> candidate.id().equals(implementationId) && candidate.measurable())
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException(
					"No measurable implementation '" + implementationId + "' in workload " + id()));
		try (S subject = implementation.factory().create(context)) {
			return measure(subject, context).withCell(id(), implementationId);
		}
	}

	/** Sets the subject up, calls {@link CellContext#ready()}, then measures. */
	protected abstract CellResult measure(S subject, CellContext context) throws Exception;

}
