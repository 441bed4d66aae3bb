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
