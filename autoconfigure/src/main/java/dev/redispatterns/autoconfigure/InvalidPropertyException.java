package dev.redispatterns.autoconfigure;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * A {@code redis.patterns.*} (or Spring Boot) property holds a value that makes no sense. Thrown at
 * start-up; being Spring Boot's {@link InvalidConfigurationPropertyValueException}, it ends in Boot's
 * "APPLICATION FAILED TO START" report naming the property, its value and where it was set.
 */
public class InvalidPropertyException extends InvalidConfigurationPropertyValueException {

	public InvalidPropertyException(String property, Object value, String reason) {
		super(property, value, reason);
	}

	public String property() {
		return getName();
	}

	/** The property's name in quotes, as in the starter's other start-up messages. */
	@Override
	public String getMessage() {
		return "Invalid value '" + getValue() + "' for property '" + getName() + "': " + getReason();
	}

}
