package dev.redispatterns.benchmarks.harness;

/**
 * Creates one implementation's subject inside a cell's JVM, with its own clients and connections.
 * Everything it opens is released by the subject's {@code close()}.
 *
 * @param <S> the family's subject interface
 */
@FunctionalInterface
public interface SubjectFactory<S extends AutoCloseable> {

	S create(CellContext context) throws Exception;

}
