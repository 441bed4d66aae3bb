package dev.redispatterns.benchmarks.layers;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.databind.json.JsonMapper;

import dev.redispatterns.benchmarks.cache.Product;
import dev.redispatterns.core.JsonValueCodec;

/**
 * Cost of the starter's codec on a ~200-byte value against a plain Jackson mapper: {@code write/read}
 * (plain JSON for a known type), {@code encode/decode} (self-describing JSON checked against the
 * allow-list, what caches stored before format 2) and {@code decode(typeId, ...)} (the class named outside the
 * JSON, what a cache hit on a record reads).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

	private final JsonMapper jackson = JsonMapper.builder().build();

	private final JsonValueCodec codec = JsonValueCodec.forPackages(Product.class.getPackageName());

	private final Product value = Product.sample(42);

	private byte[] plain;

	private byte[] typed;

	private byte[] forType;

	private final String typeId = Product.class.getName();

	@Setup
	public void setUp() {
		this.plain = this.jackson.writeValueAsBytes(this.value);
		this.typed = this.codec.encode(this.value);
		this.forType = this.codec.encodeForType(this.value);
	}

	@Benchmark
	public byte[] jacksonWrite() {
		return this.jackson.writeValueAsBytes(this.value);
	}

	@Benchmark
	public byte[] codecWrite() {
		return this.codec.write(this.value);
	}

	@Benchmark
	public byte[] codecEncode() {
		return this.codec.encode(this.value);
	}

	@Benchmark
	public Product jacksonRead() {
		return this.jackson.readValue(this.plain, Product.class);
	}

	@Benchmark
	public Product codecRead() {
		return this.codec.read(this.plain, Product.class);
	}

	@Benchmark
	public Object codecDecode() {
		return this.codec.decode(this.typed);
	}

	@Benchmark
	public Object codecDecodeForType() {
		return this.codec.decode(this.typeId, this.forType, 0, this.forType.length);
	}

}
