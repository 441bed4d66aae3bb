package dev.redispatterns.sample;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import dev.redispatterns.sample.orders.SimulatedPaymentGateway;

/**
 * Test wiring on top of the real application: the payment gateway with a gate.
 */
@TestConfiguration(proxyBeanMethods = false)
class ShopTestConfiguration {

	@Bean
	@Primary
	GatedPaymentGateway gatedPaymentGateway(SimulatedPaymentGateway simulated) {
		return new GatedPaymentGateway(simulated);
	}

}
