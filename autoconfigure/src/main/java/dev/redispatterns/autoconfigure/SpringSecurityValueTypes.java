package dev.redispatterns.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import org.springframework.util.ClassUtils;

/**
 * What Spring Security keeps in the HTTP session, made storable by the JSON codec when Spring Security is
 * on the class path: Spring Security's own Jackson 3 modules (the mix-ins that can read its immutable
 * types) and an explicit list of its session types for the allow-list. Not
 * {@code SecurityJacksonModules.getModules}: that one also replaces the mapper's default typing and type
 * validator, which would bypass the starter's allow-list. Modules are loaded by name, so the starter does
 * not depend on Spring Security.
 */
final class SpringSecurityValueTypes {

	private static final String CORE_MODULE = "org.springframework.security.jackson.CoreJacksonModule";

	private static final String WEB_MODULE = "org.springframework.security.web.jackson.WebJacksonModule";

	private static final String WEB_SERVLET_MODULE = "org.springframework.security.web.jackson.WebServletJacksonModule";

	/** The types Spring Security's core module reads (its test-only token left out). */
	private static final List<String> CORE_TYPES = List.of(
			"org.springframework.security.core.context.SecurityContextImpl",
			"org.springframework.security.authentication.UsernamePasswordAuthenticationToken",
			"org.springframework.security.authentication.RememberMeAuthenticationToken",
			"org.springframework.security.authentication.AnonymousAuthenticationToken",
			"org.springframework.security.authentication.ott.OneTimeTokenAuthentication",
			"org.springframework.security.authentication.BadCredentialsException",
			"org.springframework.security.core.userdetails.User",
			"org.springframework.security.core.authority.SimpleGrantedAuthority",
			"org.springframework.security.core.authority.FactorGrantedAuthority");

	private static final List<String> WEB_TYPES = List.of("org.springframework.security.web.csrf.DefaultCsrfToken",
			"org.springframework.security.web.savedrequest.DefaultSavedRequest",
			"org.springframework.security.web.savedrequest.SavedCookie",
			"org.springframework.security.web.authentication.WebAuthenticationDetails",
			"org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken",
			"org.springframework.security.web.authentication.switchuser.SwitchUserGrantedAuthority");

	private static final List<String> WEB_SERVLET_TYPES = List.of("jakarta.servlet.http.Cookie");

	private SpringSecurityValueTypes() {
	}

	static boolean isPresent(ClassLoader classLoader) {
		return ClassUtils.isPresent(CORE_MODULE, classLoader);
	}

	/** The type names to allow, for the modules present. */
	static List<String> typeNames(ClassLoader classLoader) {
		List<String> names = new ArrayList<>(CORE_TYPES);
		if (ClassUtils.isPresent(WEB_MODULE, classLoader)) {
			names.addAll(WEB_TYPES);
		}
		if (ClassUtils.isPresent(WEB_SERVLET_MODULE, classLoader) && ClassUtils.isPresent("jakarta.servlet.http.Cookie",
				classLoader)) {
			names.addAll(WEB_SERVLET_TYPES);
		}
		return names;
	}

	/** Registers Spring Security's modules, keeping the builder's date format. */
	static void addModules(JsonMapper.Builder builder, ClassLoader classLoader) {
		builder.addModule(load(CORE_MODULE, classLoader));
		if (ClassUtils.isPresent(WEB_MODULE, classLoader)) {
			builder.addModule(load(WEB_MODULE, classLoader));
		}
		if (ClassUtils.isPresent(WEB_SERVLET_MODULE, classLoader) && ClassUtils.isPresent("jakarta.servlet.http.Cookie",
				classLoader)) {
			builder.addModule(load(WEB_SERVLET_MODULE, classLoader));
		}
		// the core module switches dates to timestamps for every value; stored dates keep their format
		builder.addModule(new Adjustments(builder.isEnabled(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)));
	}

	private static JacksonModule load(String className, ClassLoader classLoader) {
		try {
			return (JacksonModule) ClassUtils.forName(className, classLoader).getDeclaredConstructor().newInstance();
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			throw new IllegalStateException("Cannot load Spring Security's Jackson module " + className, ex);
		}
	}

	/** Set up after Spring Security's modules (modules are set up in the order they were added). */
	private static final class Adjustments extends SimpleModule {

		private final boolean timestamps;

		Adjustments(boolean timestamps) {
			super("redis-patterns-spring-security");
			this.timestamps = timestamps;
		}

		@Override
		public void setupModule(SetupContext context) {
			MapperBuilder<?, ?> builder = (MapperBuilder<?, ?>) context.getOwner();
			if (this.timestamps) {
				builder.enable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS);
			}
			else {
				builder.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS);
			}
			// a stored sign-in failure would otherwise carry a Throwable[], a type the allow-list refuses
			context.setMixIn(Throwable.class, ThrowableMixin.class);
		}

	}

	abstract static class ThrowableMixin {

		@JsonIgnore
		abstract Throwable[] getSuppressed();

	}

}
