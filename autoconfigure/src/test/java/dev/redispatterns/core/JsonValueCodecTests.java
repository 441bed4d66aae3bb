package dev.redispatterns.core;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonValueCodecTests {

	public record Item(String sku, int quantity, BigDecimal price) {
	}

	public record Order(long id, List<Item> items, Map<String, Object> attributes, Instant createdAt,
			Set<String> tags, Object note) {
	}

	public enum Status {

		OPEN, CLOSED

	}

	public static class Product {

		private String name;

		private List<String> labels = new ArrayList<>();

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public List<String> getLabels() {
			return this.labels;
		}

		public void setLabels(List<String> labels) {
			this.labels = labels;
		}

	}

	public interface Shape {
	}

	public record Circle(double radius) implements Shape {
	}

	public static final class Square implements Shape {

		public double side;

		@Override
		public boolean equals(Object other) {
			return other instanceof Square square && square.side == this.side;
		}

		@Override
		public int hashCode() {
			return Double.hashCode(this.side);
		}

	}

	public record Drawing(Shape main, List<Shape> shapes, Map<String, Shape> named, Object anything) {
	}

	public record Page<T>(List<T> items, long total) {
	}

	public record Shelf(Optional<Item> first, Optional<Item> none, Optional<Object> any, String label) {
	}

	private final JsonValueCodec codec = JsonValueCodec.forPackages(JsonValueCodecTests.class.getPackageName());

	@Test
	void recordsWithNestedCollectionsComeBackWithTheirTypes() {
		Map<String, Object> attributes = new LinkedHashMap<>();
		attributes.put("count", 3L);
		attributes.put("ratio", 0.5);
		attributes.put("day", LocalDate.of(2026, 1, 2));
		Order order = new Order(7L, List.of(new Item("a", 2, new BigDecimal("9.99"))), attributes,
				Instant.parse("2026-01-02T03:04:05Z"), new HashSet<>(Set.of("x")), Status.OPEN);
		Object decoded = this.codec.decode(this.codec.encode(order));
		assertThat(decoded).isEqualTo(order);
		Order back = (Order) decoded;
		assertThat(back.attributes().get("count")).as("long stays long").isInstanceOf(Long.class);
		assertThat(back.note()).isEqualTo(Status.OPEN);
	}

	@Test
	@SuppressWarnings("unchecked")
	void topLevelCollectionsOfApplicationTypesKeepTheirElementTypes() {
		List<Item> items = List.of(new Item("a", 1, BigDecimal.ONE), new Item("b", 2, BigDecimal.TEN));
		Object decoded = this.codec.decode(this.codec.encode(new ArrayList<>(items)));
		assertThat(decoded).isInstanceOf(List.class);
		assertThat((List<Object>) decoded).containsExactlyElementsOf(items).allMatch(Item.class::isInstance);
		assertThat(this.codec.decode(this.codec.encode(items))).as("immutable JDK list")
			.isEqualTo(items);
	}

	@Test
	void beansScalarsAndJdkValuesRoundTrip() {
		Product product = new Product();
		product.setName("lamp");
		product.setLabels(List.of("home"));
		Product back = (Product) this.codec.decode(this.codec.encode(product));
		assertThat(back.getName()).isEqualTo("lamp");
		assertThat(back.getLabels()).containsExactly("home");
		for (Object value : List.of("text", 42, 42L, 1.5d, true, new BigDecimal("1.10"), UUID.randomUUID(),
				Instant.ofEpochSecond(5), Status.CLOSED, Map.of("k", List.of(1L, 2L)))) {
			assertThat(this.codec.decode(this.codec.encode(value))).as(value.getClass().getName()).isEqualTo(value);
		}
		assertThat(this.codec.decode(this.codec.encode(null))).isNull();
	}

	@Test
	void valuesWrittenForTheirClassComeBackAsTheirSelfDescribingFormDoes() {
		Item item = new Item("a", 2, new BigDecimal("9.99"));
		Map<String, Object> attributes = new LinkedHashMap<>();
		attributes.put("count", 3L);
		attributes.put("day", LocalDate.of(2026, 1, 2));
		attributes.put("items", new ArrayList<>(List.of(item)));
		attributes.put("none", null);
		Order order = new Order(7L, List.of(item), attributes, Instant.parse("2026-01-02T03:04:05Z"),
				new HashSet<>(Set.of("x")), new Circle(1.5));
		Square square = new Square();
		square.side = 2;
		Map<String, Shape> named = new LinkedHashMap<>();
		named.put("round", new Circle(3));
		named.put("square", square);
		named.put("nothing", null);
		Drawing drawing = new Drawing(square, List.of(new Circle(1), square), named, List.of(5L, item));
		List<Object> values = List.of(order, item, drawing, new Page<>(List.of(item, item), 2), new Page<>(List.of(), 0),
				new Shelf(Optional.of(item), Optional.empty(), Optional.of(7L), null), new Order(1L, List.of(),
						Map.of(), Instant.EPOCH, Set.of(), null),
				"text", 42, 42L, 1.5d, true, UUID.fromString("5b0c5e38-0f7a-4a53-9a8e-2d4f1f3e3c11"),
				Instant.ofEpochSecond(5), LocalDate.of(2026, 12, 6), new Item[] { item, null }, new byte[] { 1, 2 },
				new long[] { 3L });
		for (Object value : values) {
			String typeId = value.getClass().getName();
			byte[] json = this.codec.encodeForType(value);
			assertThat(json).as(typeId).isNotNull();
			assertThat(new String(json, StandardCharsets.UTF_8)).as(typeId).doesNotStartWith("{\"@class\"")
				.doesNotStartWith("[\"" + typeId);
			byte[] framed = new byte[json.length + 7];
			System.arraycopy(json, 0, framed, 5, json.length);
			Object back = this.codec.decode(typeId, framed, 5, json.length);
			assertThat(back).as(typeId).isEqualTo(value).isEqualTo(this.codec.decode(this.codec.encode(value)));
			assertThat(back).as(typeId).isInstanceOf(value.getClass());
		}
		Drawing back = (Drawing) this.codec.decode(Drawing.class.getName(), this.codec.encodeForType(drawing), 0,
				this.codec.encodeForType(drawing).length);
		assertThat(back.main()).as("a field typed as an interface keeps its class").isInstanceOf(Square.class);
		assertThat(back.anything()).isEqualTo(List.of(5L, item));
		assertThat(((List<?>) back.anything()).get(0)).as("long stays long").isInstanceOf(Long.class);
		Order orderBack = (Order) this.codec.decode(Order.class.getName(), this.codec.encodeForType(order), 0,
				this.codec.encodeForType(order).length);
		assertThat(orderBack.attributes().get("items")).isEqualTo(List.of(item));
		assertThat(orderBack.note()).isInstanceOf(Circle.class);
	}

	@Test
	void valuesWhoseClassDoesNotFixTheirTypeIdKeepTheSelfDescribingForm() {
		Product product = new Product();
		product.setName("lamp");
		for (Object value : List.of(product, new ArrayList<>(List.of(1)), List.of("a"), Map.of("k", 1),
				new HashSet<>(Set.of("x")), Optional.of("a"), Status.OPEN, new BigDecimal("1.10"))) {
			assertThat(this.codec.encodeForType(value)).as(value.getClass().getName()).isNull();
		}
		assertThat(this.codec.encodeForType(new gadget.GadgetHolder("x"))).as("outside the allow-list").isNull();
		assertThatThrownBy(() -> this.codec.encode(new gadget.GadgetHolder("x")))
			.isInstanceOf(ValueEncodingException.class)
			.hasMessageContaining("gadget.GadgetHolder");
		assertThatThrownBy(() -> this.codec.encodeForType(new Page<>(List.of(new gadget.GadgetHolder("nested")), 1)))
			.isInstanceOf(ValueEncodingException.class)
			.hasMessageContaining("gadget.GadgetHolder")
			.hasMessageContaining("redis.patterns.codec.allowed-packages");
	}

	@Test
	void aClassNamedOutsideTheJsonIsCheckedAgainstTheAllowListBeforeItIsLoaded() {
		byte[] json = "{\"command\":\"rm -rf /\"}".getBytes(StandardCharsets.UTF_8);
		for (String typeId : List.of("gadget.Gadget", "gadget.GadgetHolder", "java.lang.Runtime", "java.lang.Object",
				"java.net.URL", "com.sun.rowset.JdbcRowSetImpl", "dev.redispatterns.lock.LockContext")) {
			assertThatThrownBy(() -> this.codec.decode(typeId, json, 0, json.length)).as(typeId)
				.isInstanceOfSatisfying(ValueDecodingException.class, (ex) -> {
					assertThat(ex.reason()).isEqualTo(ValueDecodingException.Reason.TYPE_NOT_ALLOWED);
					assertThat(ex.typeName()).isEqualTo(typeId);
				});
		}
		assertThat(System.getProperty("gadget.Gadget.initialized")).as("never even initialized").isNull();
		byte[] nested = "{\"sku\":\"a\",\"quantity\":1,\"price\":[\"java.net.URL\",\"http://example.com\"]}"
			.getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.codec.decode(Item.class.getName(), nested, 0, nested.length))
			.isInstanceOfSatisfying(ValueDecodingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(ValueDecodingException.Reason.TYPE_NOT_ALLOWED));
		byte[] envelope = "{\"main\":{\"@class\":\"gadget.Gadget\"}}".getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.codec.decode(Drawing.class.getName(), envelope, 0, envelope.length))
			.isInstanceOfSatisfying(ValueDecodingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(ValueDecodingException.Reason.TYPE_NOT_ALLOWED));
		assertThat(System.getProperty("gadget.Gadget.instantiated")).isNull();
	}

	@Test
	void aClassNoWriterNamesOrJsonThatIsNotItsValueIsCorrupt() {
		byte[] empty = "[]".getBytes(StandardCharsets.UTF_8);
		for (String typeId : List.of("java.util.ArrayList", "java.util.HashMap", Product.class.getName(),
				Status.class.getName(), Shape.class.getName(), "dev.redispatterns.core.Missing", "java.math.BigDecimal",
				"java.util.Optional", Item.class.getName() + "<java.lang.Runtime>", "[Ljava.lang.Missing;")) {
			assertThatThrownBy(() -> this.codec.decode(typeId, empty, 0, empty.length)).as(typeId)
				.isInstanceOfSatisfying(ValueDecodingException.class, (ex) -> assertThat(ex.reason())
					.isIn(ValueDecodingException.Reason.CORRUPT, ValueDecodingException.Reason.TYPE_NOT_ALLOWED));
		}
		for (String garbage : List.of("{\"sku\":", "not json", "", "[\"" + Item.class.getName() + "\",{}]")) {
			byte[] bytes = garbage.getBytes(StandardCharsets.UTF_8);
			assertThatThrownBy(() -> this.codec.decode(Item.class.getName(), bytes, 0, bytes.length)).as(garbage)
				.isInstanceOfSatisfying(ValueDecodingException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(ValueDecodingException.Reason.CORRUPT));
		}
	}

	@Test
	void payloadNamingATypeOutsideTheAllowListIsRefusedWithoutLoadingIt() {
		byte[] hostile = "{\"@class\":\"gadget.Gadget\",\"command\":\"rm -rf /\"}".getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.codec.decode(hostile)).isInstanceOfSatisfying(ValueDecodingException.class,
				(ex) -> {
					assertThat(ex.reason()).isEqualTo(ValueDecodingException.Reason.TYPE_NOT_ALLOWED);
					assertThat(ex.typeName()).isEqualTo("gadget.Gadget");
				});
		assertThat(System.getProperty("gadget.Gadget.instantiated")).as("never instantiated").isNull();
		assertThat(System.getProperty("gadget.Gadget.initialized")).as("never even initialized").isNull();
	}

	@Test
	void javaNetUrlIsNotAllowed() {
		byte[] payload = "[\"java.net.URL\",\"http://example.com\"]".getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.codec.decode(payload)).isInstanceOfSatisfying(ValueDecodingException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(ValueDecodingException.Reason.TYPE_NOT_ALLOWED));
	}

	@Test
	void knownJacksonGadgetTypesAreRefused() {
		for (String gadgetType : List.of("com.sun.rowset.JdbcRowSetImpl",
				"org.springframework.context.support.ClassPathXmlApplicationContext",
				"org.springframework.context.support.FileSystemXmlApplicationContext",
				"org.springframework.beans.factory.config.PropertyPathFactoryBean",
				"org.springframework.aop.config.MethodLocatingFactoryBean",
				"org.springframework.aop.support.AbstractBeanFactoryPointcutAdvisor",
				"org.springframework.jndi.support.SimpleJndiBeanFactory",
				"ch.qos.logback.core.db.JNDIConnectionSource", "ch.qos.logback.core.db.DriverManagerConnectionSource",
				"com.zaxxer.hikari.HikariConfig", "com.zaxxer.hikari.HikariDataSource",
				"org.apache.commons.collections.functors.InvokerTransformer",
				"org.apache.commons.collections4.functors.InvokerTransformer",
				"org.apache.commons.collections.functors.InstantiateTransformer",
				"org.apache.xalan.xsltc.trax.TemplatesImpl",
				"com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
				"org.codehaus.groovy.runtime.MethodClosure", "org.codehaus.groovy.runtime.ConvertedClosure",
				"com.mchange.v2.c3p0.JndiRefForwardingDataSource", "com.mchange.v2.c3p0.WrapperConnectionPoolDataSource",
				"org.apache.tomcat.dbcp.dbcp2.BasicDataSource", "org.apache.commons.dbcp.datasources.SharedPoolDataSource",
				"org.apache.ibatis.datasource.jndi.JndiDataSourceFactory", "org.hibernate.jmx.StatisticsService",
				"org.apache.log4j.receivers.db.JNDIConnectionSource", "org.apache.xbean.propertyeditor.JndiConverter",
				"org.apache.shiro.jndi.JndiObjectFactory", "org.apache.shiro.realm.jndi.JndiRealmFactory",
				"org.jdom.transform.XSLTransformer", "org.jdom2.transform.XSLTransformer",
				"net.sf.ehcache.transaction.manager.DefaultTransactionManagerLookup",
				"org.apache.openjpa.ee.RegistryManagedRuntime", "br.com.anteros.dbcp.AnterosDBCPConfig",
				"com.caucho.config.types.ResourceRef", "org.apache.aries.transaction.jms.RecoverablePooledConnectionFactory",
				"java.rmi.server.UnicastRemoteObject", "javax.script.ScriptEngineManager", "java.net.URLClassLoader",
				"java.lang.ProcessBuilder", "java.lang.Runtime", "java.lang.Thread", "java.io.FileOutputStream",
				"java.util.concurrent.ThreadPoolExecutor", "java.util.Timer", "java.util.ServiceLoader",
				"javax.management.loading.MLet", "java.util.logging.FileHandler", "java.lang.Object",
				"dev.redispatterns.messaging.internal.ShardedPubSubSubscriber", "dev.redispatterns.lock.LockContext",
				"dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration")) {
			byte[] payload = ("[\"" + gadgetType + "\",{}]").getBytes(StandardCharsets.UTF_8);
			assertThatThrownBy(() -> this.codec.decode(payload)).as(gadgetType)
				.isInstanceOfSatisfying(ValueDecodingException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(ValueDecodingException.Reason.TYPE_NOT_ALLOWED));
		}
	}

	@Test
	void nestedDisallowedTypesAreRefusedToo() {
		byte[] payload = "[\"java.util.ArrayList\",[{\"@class\":\"gadget.Gadget\"}]]".getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.codec.decode(payload)).isInstanceOf(ValueDecodingException.class);
		assertThat(System.getProperty("gadget.Gadget.instantiated")).isNull();
	}

	@Test
	void corruptBytesAreReportedAsCorrupt() {
		for (String garbage : List.of("{\"@class\":", "\u00ac\u00ed\u0000\u0005sr", "not json", "")) {
			assertThatThrownBy(() -> this.codec.decode(garbage.getBytes(StandardCharsets.ISO_8859_1))).as(garbage)
				.isInstanceOfSatisfying(ValueDecodingException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(ValueDecodingException.Reason.CORRUPT));
		}
	}

	@Test
	void writingATypeOutsideTheAllowListFailsAtWriteTimeNamingTheProperty() {
		assertThatThrownBy(() -> this.codec.encode(new gadget.GadgetHolder("x")))
			.isInstanceOf(ValueEncodingException.class)
			.hasMessageContaining("gadget.GadgetHolder")
			.hasMessageContaining("redis.patterns.codec.allowed-packages");
		assertThatThrownBy(() -> this.codec.encode(List.of(new gadget.GadgetHolder("nested"))))
			.isInstanceOf(ValueEncodingException.class)
			.hasMessageContaining("gadget.GadgetHolder");
	}

	@Test
	void valuesAboveTheMaximumSizeAreRefused() {
		JsonValueCodec small = new JsonValueCodec(TypeAllowList.of(List.of(), List.of()), 64, (builder) -> {
		});
		assertThat(small.decode(small.encode("short"))).isEqualTo("short");
		assertThatThrownBy(() -> small.encode("x".repeat(100))).isInstanceOf(ValueEncodingException.class)
			.hasMessageContaining("redis.patterns.codec.max-value-size");
	}

	@Test
	void plainJsonIsWrittenWithoutTypesAndReadAsTheGivenType() {
		Item item = new Item("a", 1, BigDecimal.ONE);
		byte[] json = this.codec.write(item);
		assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("@class").contains("\"sku\":\"a\"");
		assertThat(this.codec.read(json, Item.class)).isEqualTo(item);
		assertThatThrownBy(() -> this.codec.read("{".getBytes(StandardCharsets.UTF_8), Item.class))
			.isInstanceOf(ValueDecodingException.class);
	}

	@Test
	void noJavaSerializationHeaderInPayloads() {
		byte[] bytes = this.codec.encode(new Item("a", 1, BigDecimal.ONE));
		assertThat(bytes[0]).isNotEqualTo((byte) 0xAC);
		assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"@class\":");
	}

}
