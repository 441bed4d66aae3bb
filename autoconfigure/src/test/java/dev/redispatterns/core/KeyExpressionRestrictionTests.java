package dev.redispatterns.core;

import java.io.File;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.env.StandardEnvironment;

import dev.redispatterns.core.internal.KeyExpressionEvaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A key expression cannot execute arbitrary code: no types, constructors, reflection, class loaders or
 * beans outside an explicit list, and the values it is given are data, never evaluated. Expressions
 * naming a bean that is not allowed fail when they are validated, i.e. at start-up.
 */
class KeyExpressionRestrictionTests {

	public static class Tenants {

		public String current() {
			return "tenant-9";
		}

	}

	public static class Api {

		public String order(String orderId, Object payload) {
			return orderId;
		}

	}

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	private final Method method;

	KeyExpressionRestrictionTests() throws NoSuchMethodException {
		this.beanFactory.registerSingleton("tenants", new Tenants());
		this.beanFactory.registerSingleton("environment", new StandardEnvironment());
		this.method = Api.class.getMethod("order", String.class, Object.class);
	}

	private String eval(KeyExpressionEvaluator evaluator, String expression, Object... args) {
		return evaluator.evaluate("RateLimited", expression, this.method, args, new Api(), Api.class);
	}

	@Test
	void beansOutsideTheAllowedListCannotBeReferencedAndFailValidation() {
		KeyExpressionEvaluator evaluator = new KeyExpressionEvaluator(this.beanFactory, List.of("tenants"));
		assertThat(eval(evaluator, "@tenants.current() + ':' + #orderId", "o-1", null)).isEqualTo("tenant-9:o-1");
		assertThatThrownBy(() -> evaluator.validate("RateLimited", "@environment.getProperty('secret')", this.method))
			.isInstanceOf(KeyExpressionException.class)
			.hasMessageContaining("references bean 'environment'")
			.hasMessageContaining("redis.patterns.expressions.allowed-beans");
		assertThatThrownBy(() -> eval(evaluator, "#orderId + @environment.getProperty('secret')", "o-1", null))
			.isInstanceOf(KeyExpressionException.class);
		assertThatThrownBy(() -> evaluator.validate("RateLimited", "#p0 == null ? @tenants : @environment", this.method))
			.as("every reference is checked, wherever it sits").isInstanceOf(KeyExpressionException.class);
	}

	@Test
	void theWildcardAllowsEveryBeanAndSwitchingReferencesOffRefusesThemAtValidation() {
		KeyExpressionEvaluator all = new KeyExpressionEvaluator(this.beanFactory, Set.of(KeyExpressionEvaluator.ALL_BEANS));
		assertThat(eval(all, "@environment.getActiveProfiles().length + ':' + #orderId", "o", null)).isEqualTo("0:o");
		KeyExpressionEvaluator none = new KeyExpressionEvaluator(null, List.of("tenants"));
		assertThatThrownBy(() -> none.validate("RateLimited", "@tenants.current()", this.method))
			.isInstanceOf(KeyExpressionException.class)
			.hasMessageContaining("redis.patterns.expressions.allow-bean-references=false");
	}

	@Test
	void expressionsCannotReachTypesConstructorsReflectionOrTheClassLoader(@TempDir Path directory) {
		KeyExpressionEvaluator evaluator = new KeyExpressionEvaluator(this.beanFactory, List.of("tenants"));
		File marker = directory.resolve("pwned").toFile();
		List<String> attacks = List.of("T(java.lang.Runtime).getRuntime().exec('touch " + marker + "')",
				"new java.io.File('" + marker + "').createNewFile()",
				"new java.lang.ProcessBuilder('touch', '" + marker + "').start()",
				"#orderId.getClass().forName('java.lang.Runtime')", "''.class.forName('java.lang.Runtime')",
				"#root.targetClass.getClassLoader().loadClass('java.lang.Runtime')",
				"#root.method.invoke(#root.target, #root.args)", "#root.method.invoke(#root.target, 'x', null)",
				"#root.method.setAccessible(true)", "#root.method.getDeclaringClass().getMethods()",
				"#root.method.declaringClass.classLoader", "T(java.lang.System).getenv()",
				"T(java.lang.System).setProperty('x', 'y')", "@tenants.getClass().getClassLoader()",
				"#root.target.getClass().getDeclaredConstructors()[0].newInstance()",
				"#payload.getClass().getModule()", "#root.args.getClass().getComponentType()");
		for (String attack : attacks) {
			assertThatThrownBy(() -> eval(evaluator, attack, "o-1", new Object())).as(attack)
				.isInstanceOf(KeyExpressionException.class);
		}
		assertThat(marker).doesNotExist();
		assertThat(System.getProperty("x")).isNull();
	}

	@Test
	void argumentValuesAreDataNeverEvaluated(@TempDir Path directory) throws Exception {
		KeyExpressionEvaluator evaluator = new KeyExpressionEvaluator(this.beanFactory, List.of("tenants"));
		Path marker = directory.resolve("pwned");
		for (String hostile : List.of("T(java.lang.Runtime).getRuntime().exec('touch " + marker + "')",
				"#{T(java.lang.Runtime).getRuntime().exec('touch " + marker + "')}", "${user.home}",
				"@tenants.current()", "' + T(java.lang.System).exit(1) + '")) {
			assertThat(eval(evaluator, "'order:' + #orderId", hostile, null)).isEqualTo("order:" + hostile);
			assertThat(eval(evaluator, "#p0", hostile, null)).isEqualTo(hostile);
		}
		assertThat(Files.exists(marker)).isFalse();
	}

}
