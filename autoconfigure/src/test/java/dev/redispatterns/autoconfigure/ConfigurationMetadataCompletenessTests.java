package dev.redispatterns.autoconfigure;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata is complete: every property the {@code @ConfigurationProperties} classes can bind,
 * found by walking them with reflection, is described, with a default where the field has one and value
 * hints where the values are a fixed set; no hint points to a property that does not exist.
 */
class ConfigurationMetadataCompletenessTests {

	/** Properties whose values are a fixed set the IDE should offer, with a description each. */
	private static final Set<String> HINTED = Set.of("redis.patterns.session.when-limit-exceeded",
			"redis.patterns.session.flush-mode", "redis.patterns.session.save-mode",
			"redis.patterns.structures.leaderboard.order", "redis.patterns.structures.leaderboard.period",
			"redis.patterns.structures.unique-counter.period", "redis.patterns.messaging.stream.start-from",
			"redis.patterns.rate-limit.web.forwarded-for-header", "redis.patterns.codec.allowed-types",
			"redis.patterns.structures.zone");

	@Test
	void everyBindablePropertyIsDescribedWithItsDefault() throws Exception {
		Map<String, JsonNode> metadata = GeneratedMetadata.properties();
		Map<String, @Nullable Object> bindable = bindableProperties();
		assertThat(bindable).hasSizeGreaterThan(100);
		List<String> problems = new ArrayList<>();
		bindable.forEach((name, defaultValue) -> {
			JsonNode property = metadata.get(name);
			if (property == null) {
				problems.add(name + ": not in the metadata");
				return;
			}
			String description = property.path("description").asString("");
			if (description.isBlank()) {
				problems.add(name + ": no description");
			}
			if (description.startsWith("The ") || description.startsWith("A ")) {
				problems.add(name + ": description starts with an article");
			}
			if ("java.lang.Boolean".equals(property.path("type").asString("")) && !description.startsWith("Whether")) {
				problems.add(name + ": boolean description does not start with 'Whether'");
			}
			if (hasDefault(defaultValue) && property.get("defaultValue") == null) {
				problems.add(name + ": default " + defaultValue + " missing");
			}
		});
		assertThat(problems).isEmpty();
	}

	@Test
	void metadataHasNoPropertyTheClassesCannotBind() throws Exception {
		Set<String> bindable = bindableProperties().keySet();
		assertThat(new TreeSet<>(GeneratedMetadata.properties().keySet()))
			.filteredOn((name) -> name.startsWith("redis.patterns."))
			.allSatisfy((name) -> assertThat(bindable).as("bindable").contains(name));
	}

	@Test
	void fixedValueSetsHaveHintsAndHintsNameRealProperties() throws Exception {
		Map<String, JsonNode> hints = GeneratedMetadata.hints();
		Set<String> bindable = bindableProperties().keySet();
		for (String name : HINTED) {
			JsonNode hint = hints.get(name);
			assertThat(hint).as("hint for " + name).isNotNull();
			boolean hasValues = hint.path("values").size() > 0;
			boolean hasProvider = hint.path("providers").size() > 0;
			assertThat(hasValues || hasProvider).as(name + " has values or a provider").isTrue();
			for (JsonNode value : hint.path("values")) {
				assertThat(value.path("description").asString("")).as(name + " value " + value.path("value"))
					.isNotBlank();
			}
		}
		assertThat(hints.keySet()).allSatisfy((name) -> assertThat(bindable).as("hinted property exists").contains(name));
	}

	@Test
	void enumValuedPropertiesListEveryConstantInTheirHints() throws Exception {
		Map<String, JsonNode> hints = GeneratedMetadata.hints();
		Map<String, Class<?>> enums = enumProperties();
		enums.forEach((name, type) -> {
			JsonNode hint = hints.get(name);
			if (hint == null) {
				return;
			}
			Set<String> hinted = new TreeSet<>();
			hint.path("values").forEach((value) -> hinted.add(value.path("value").asString()));
			Set<String> constants = new TreeSet<>();
			for (Object constant : type.getEnumConstants()) {
				constants.add(((Enum<?>) constant).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
			}
			assertThat(hinted).as(name).isEqualTo(constants);
		});
	}

	/** Every property the starter's properties classes can bind, with the value it has by default. */
	static Map<String, @Nullable Object> bindableProperties() throws Exception {
		Map<String, @Nullable Object> properties = new LinkedHashMap<>();
		for (Class<?> type : propertiesClasses()) {
			ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
			String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
			walk(prefix, BeanUtils.instantiateClass(type), properties, new LinkedHashMap<>());
		}
		return properties;
	}

	private static Map<String, Class<?>> enumProperties() throws Exception {
		Map<String, Class<?>> enums = new LinkedHashMap<>();
		for (Class<?> type : propertiesClasses()) {
			ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
			String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
			walk(prefix, BeanUtils.instantiateClass(type), new LinkedHashMap<>(), enums);
		}
		return enums;
	}

	private static List<Class<?>> propertiesClasses() throws ClassNotFoundException {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
		List<Class<?>> types = new ArrayList<>();
		for (BeanDefinition candidate : scanner.findCandidateComponents("dev.redispatterns.autoconfigure")) {
			types.add(ClassUtils.forName(candidate.getBeanClassName(), null));
		}
		assertThat(types).hasSizeGreaterThanOrEqualTo(8);
		return types;
	}

	private static void walk(String prefix, Object instance, Map<String, @Nullable Object> properties,
			Map<String, Class<?>> enums) throws Exception {
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(instance.getClass())) {
			if (descriptor.getReadMethod() == null || "class".equals(descriptor.getName())) {
				continue;
			}
			String name = prefix + "." + kebab(descriptor.getName());
			Class<?> type = descriptor.getPropertyType();
			Object value = descriptor.getReadMethod().invoke(instance);
			if (isNested(type) && value != null) {
				walk(name, value, properties, enums);
			}
			else if (descriptor.getWriteMethod() != null || Map.class.isAssignableFrom(type)
					|| Collection.class.isAssignableFrom(type)) {
				properties.put(name, value);
				if (type.isEnum()) {
					enums.put(name, type);
				}
			}
		}
	}

	private static boolean isNested(Class<?> type) {
		return type.getName().startsWith("dev.redispatterns.") && !type.isEnum() && !type.isInterface()
				&& !Modifier.isAbstract(type.getModifiers());
	}

	private static boolean hasDefault(@Nullable Object value) {
		if (value == null) {
			return false;
		}
		if (value instanceof Collection<?> collection) {
			return !collection.isEmpty();
		}
		if (value instanceof Map<?, ?> map) {
			return !map.isEmpty();
		}
		return true;
	}

	private static String kebab(String name) {
		StringBuilder out = new StringBuilder();
		for (char c : name.toCharArray()) {
			if (Character.isUpperCase(c)) {
				out.append('-').append(Character.toLowerCase(c));
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

}
