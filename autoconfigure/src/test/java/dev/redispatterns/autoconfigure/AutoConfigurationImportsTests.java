package dev.redispatterns.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureOrder;

import static org.assertj.core.api.Assertions.assertThat;

class AutoConfigurationImportsTests {

	static final String IMPORTS = "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";

	static List<String> importedClassNames() throws IOException {
		try (InputStream in = AutoConfigurationImportsTests.class.getClassLoader().getResourceAsStream(IMPORTS)) {
			assertThat(in).as(IMPORTS).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
				.map(String::trim)
				.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
				.toList();
		}
	}

	@Test
	void everyListedClassExistsAndIsAPublicFinalAutoConfiguration() throws Exception {
		List<String> names = importedClassNames();
		assertThat(names).isNotEmpty().doesNotHaveDuplicates();
		for (String name : names) {
			Class<?> type = Class.forName(name);
			assertThat(type.isAnnotationPresent(AutoConfiguration.class)).as(name + " is @AutoConfiguration").isTrue();
			assertThat(Modifier.isPublic(type.getModifiers()) && Modifier.isFinal(type.getModifiers()))
				.as(name + " is public final")
				.isTrue();
			assertThat(type.isAnnotationPresent(AutoConfigureOrder.class)).as(name + " has no absolute order").isFalse();
			assertThat(type.getPackageName()).startsWith("dev.redispatterns.autoconfigure");
		}
	}

}
