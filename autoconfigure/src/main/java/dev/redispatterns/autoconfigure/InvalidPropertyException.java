package dev.redispatterns.autoconfigure;

/**
 * A {@code redis.patterns.*} property holds a value that makes no sense. Thrown at start-up, with the
 * property's name in the message.
 */
public class InvalidPropertyException extends IllegalStateException {

	private final String property;

	public InvalidPropertyException(String property, Object value, String reason) {
		super("Invalid value '" + value + "' for property '" + property + "': " + reason);
		this.property = property;
	}

	public String property() {
		return this.property;
	}

}
