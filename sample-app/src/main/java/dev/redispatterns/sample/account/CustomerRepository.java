package dev.redispatterns.sample.account;

import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Customer accounts in the database.
 */
@Repository
public class CustomerRepository {

	private final JdbcClient jdbc;

	public CustomerRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public Optional<Customer> find(String username) {
		return this.jdbc.sql("SELECT username, display_name, password_hash, admin, plan FROM customers WHERE username = ?")
			.param(username)
			.query(Customer.class)
			.optional();
	}

	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM customers").query(Long.class).single();
	}

	public void insert(Customer customer) {
		this.jdbc.sql("INSERT INTO customers (username, display_name, password_hash, admin, plan) VALUES (?, ?, ?, ?, ?)")
			.params(customer.username(), customer.displayName(), customer.passwordHash(), customer.admin(),
					customer.plan())
			.update();
	}

}
