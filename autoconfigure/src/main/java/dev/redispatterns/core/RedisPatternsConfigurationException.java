package dev.redispatterns.core;

/**
 * The application is set up in a way the starter cannot work with (a listener method's signature, a
 * client it does not support, a combination of settings). Thrown at start-up; Spring Boot's failure
 * analysis reports its {@link #description()} and {@link #action()} instead of a stack trace.
 */
public class RedisPatternsConfigurationException extends IllegalStateException {

	private final String action;

	/**
	 * @param description what is wrong, naming the method, bean or property involved
	 * @param action what the user can do about it
	 */
	public RedisPatternsConfigurationException(String description, String action) {
		super(description);
		this.action = action;
	}

	/**
	 * @param description what is wrong, naming the method, bean or property involved
	 * @param action what the user can do about it
	 * @param cause the failure that revealed it
	 */
	public RedisPatternsConfigurationException(String description, String action, Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	public String description() {
		return getMessage();
	}

	public String action() {
		return this.action;
	}

}
