package dev.redispatterns.core;

import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import dev.redispatterns.core.internal.KeyExpressionEvaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyExpressionEvaluatorTests {

	public record Customer(String id, String region) {

		public String getTier() {
			return "gold";
		}

	}

	static class Api {

		public String order(String orderId, Customer customer, int quantity) {
			return orderId;
		}

	}

	public static class Tenants {

		public String current() {
			return "tenant-9";
		}

	}

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	private final KeyExpressionEvaluator evaluator;

	private final Method method;

	private final Object[] args = { "o-1", new Customer("c-7", "eu"), 3 };

	KeyExpressionEvaluatorTests() throws NoSuchMethodException {
		this.beanFactory.registerSingleton("tenants", new Tenants());
		this.evaluator = new KeyExpressionEvaluator(this.beanFactory);
		this.method = Api.class.getMethod("order", String.class, Customer.class, int.class);
	}

	private String eval(String expression) {
		return this.evaluator.evaluate("RateLimited", expression, this.method, this.args, new Api(), Api.class);
	}

	@Test
	void argumentsByNameAndPosition() {
		assertThat(eval("#orderId")).isEqualTo("o-1");
		assertThat(eval("#p0 + ':' + #a2")).isEqualTo("o-1:3");
		assertThat(eval("'order:' + #orderId")).isEqualTo("order:o-1");
	}

	@Test
	void aLoneVariableReadsTheArgumentAsSpelWould() {
		// read without a SpEL evaluation per call: the same answers as the expressions around them
		assertThat(eval("#p0")).isEqualTo("o-1");
		assertThat(eval(" #a2 ")).isEqualTo("3");
		assertThat(eval("#customer")).isEqualTo(this.args[1].toString());
		assertThat(eval("#root")).startsWith(KeyExpressionEvaluator.KeyExpressionRoot.class.getName());
		assertThat(eval("#p9 ?: 'none'")).isEqualTo("none");
		Object[] nullFirst = { null, this.args[1], 3 };
		assertThatThrownBy(() -> this.evaluator.evaluate("RateLimited", "#orderId", this.method, nullFirst, null,
				Api.class))
			.isInstanceOf(KeyExpressionException.class)
			.hasMessageContaining("evaluated to null");
		assertThat(this.evaluator.evaluateNullable("RateLimited", "#p0", this.method, nullFirst, null, Api.class))
			.isNull();
	}

	@Test
	void propertiesOfArgumentsIncludingRecordComponentsAndGetters() {
		assertThat(eval("#customer.id")).isEqualTo("c-7");
		assertThat(eval("#customer.region()")).isEqualTo("eu");
		assertThat(eval("#customer.tier")).isEqualTo("gold");
		assertThat(eval("#orderId.toUpperCase()")).isEqualTo("O-1");
	}

	@Test
	void rootExposesTheMethod() {
		assertThat(eval("#root.methodName")).isEqualTo("order");
		assertThat(eval("#root.args[0]")).isEqualTo("o-1");
	}

	@Test
	void beansAreReachableByName() {
		assertThat(eval("@tenants.current() + ':' + #orderId")).isEqualTo("tenant-9:o-1");
	}

	@Test
	void beanReferencesCanBeRefused() {
		KeyExpressionEvaluator noBeans = new KeyExpressionEvaluator(null);
		assertThatThrownBy(() -> noBeans.evaluate("RateLimited", "@tenants.current()", this.method, this.args, null,
				Api.class))
			.isInstanceOf(KeyExpressionException.class);
	}

	@Test
	void invalidSyntaxNamesTheAnnotationMethodAndExpression() {
		assertThatThrownBy(() -> this.evaluator.validate("DistributedLock", "'order:' + #orderId +", this.method))
			.isInstanceOf(KeyExpressionException.class)
			.hasMessageContaining("'order:' + #orderId +")
			.hasMessageContaining("@DistributedLock")
			.hasMessageContaining("KeyExpressionEvaluatorTests$Api.order(String, Customer, int)")
			.hasMessageContaining("not a valid SpEL expression");
	}

	@Test
	void nullResultNamesTheExpression() {
		assertThatThrownBy(() -> eval("#missing")).isInstanceOf(KeyExpressionException.class)
			.hasMessageContaining("'#missing'")
			.hasMessageContaining("evaluated to null");
	}

	@Test
	void evaluationErrorsNameTheExpression() {
		assertThatThrownBy(() -> eval("#customer.noSuchProperty")).isInstanceOf(KeyExpressionException.class)
			.hasMessageContaining("'#customer.noSuchProperty'")
			.hasMessageContaining("cannot be evaluated");
	}

	@Test
	void expressionsCannotReachTypesConstructorsOrReflection() {
		assertThatThrownBy(() -> eval("T(java.lang.Runtime).getRuntime().exec('id')"))
			.isInstanceOf(KeyExpressionException.class);
		assertThatThrownBy(() -> eval("new java.io.File('/tmp/x').delete()")).isInstanceOf(KeyExpressionException.class);
		assertThatThrownBy(() -> eval("#orderId.getClass().forName('java.lang.Runtime')"))
			.isInstanceOf(KeyExpressionException.class);
		assertThatThrownBy(() -> eval("#root.targetClass.classLoader")).isInstanceOf(KeyExpressionException.class);
		assertThatThrownBy(() -> eval("#customer.region = 'us'")).as("read-only").isInstanceOf(KeyExpressionException.class);
	}

	@Test
	void emptyExpressionIsRefused() {
		assertThatThrownBy(() -> this.evaluator.validate("RateLimited", " ", this.method))
			.isInstanceOf(KeyExpressionException.class)
			.hasMessageContaining("is empty");
	}

}
