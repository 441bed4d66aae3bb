package dev.redispatterns.session;

import java.lang.reflect.Constructor;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Spring Security keeps the last failed sign-in in the session ({@code SPRING_SECURITY_LAST_EXCEPTION}) for
 * the login page to show. Its Jackson support reads only {@code BadCredentialsException}; a locked, disabled
 * or expired account fails with other types, which the codec cannot store. Those are stored as a
 * {@code BadCredentialsException} with the same message, which is all the login page reads, instead of
 * failing the sign-in with an error. Spring Security is looked up by name: the starter does not need it.
 */
final class SignInFailures {

	static final String ATTRIBUTE = "SPRING_SECURITY_LAST_EXCEPTION";

	private static final @Nullable Class<?> AUTHENTICATION_EXCEPTION = load(
			"org.springframework.security.core.AuthenticationException");

	private static final @Nullable Constructor<?> BAD_CREDENTIALS = constructor(
			"org.springframework.security.authentication.BadCredentialsException");

	private SignInFailures() {
	}

	/** The storable stand-in for a sign-in failure, or {@code null} if {@code value} is none. */
	static @Nullable Object storable(String attributeName, Object value) {
		if (!ATTRIBUTE.equals(attributeName) || AUTHENTICATION_EXCEPTION == null || BAD_CREDENTIALS == null
				|| !AUTHENTICATION_EXCEPTION.isInstance(value)
				|| value.getClass() == BAD_CREDENTIALS.getDeclaringClass()) {
			return null;
		}
		try {
			return BAD_CREDENTIALS.newInstance(((Throwable) value).getMessage());
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

	private static @Nullable Class<?> load(String name) {
		try {
			return ClassUtils.forName(name, SignInFailures.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return null;
		}
	}

	private static @Nullable Constructor<?> constructor(String name) {
		Class<?> type = load(name);
		try {
			return (type != null) ? type.getConstructor(String.class) : null;
		}
		catch (NoSuchMethodException ex) {
			return null;
		}
	}

}
