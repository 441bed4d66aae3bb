package dev.redispatterns.benchmarks.layers;

import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.redispatterns.core.internal.KeyExpressionEvaluator;

/**
 * Cost of the shared SpEL key evaluator per call, against building the same key by hand in Java.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyExpressionBenchmark {

	private final KeyExpressionEvaluator evaluator = new KeyExpressionEvaluator(null);

	private final OrderService target = new OrderService();

	private Method method;

	private Object[] args;

	@Setup
	public void setUp() throws NoSuchMethodException {
		this.method = OrderService.class.getMethod("place", String.class, OrderService.Order.class);
		this.args = new Object[] { "user-42", new OrderService.Order(1234L, "EUR") };
		// parse once, as the advices do at start-up
		this.evaluator.validate("RateLimited", "#userId", this.method);
		this.evaluator.validate("DistributedLock", "'order:' + #order.id", this.method);
	}

	@Benchmark
	public String handWrittenKey() {
		return "order:" + ((OrderService.Order) this.args[1]).getId();
	}

	@Benchmark
	public String spelArgument() {
		return this.evaluator.evaluate("RateLimited", "#userId", this.method, this.args, this.target,
				OrderService.class);
	}

	@Benchmark
	public String spelPropertyConcatenation() {
		return this.evaluator.evaluate("DistributedLock", "'order:' + #order.id", this.method, this.args, this.target,
				OrderService.class);
	}

}
