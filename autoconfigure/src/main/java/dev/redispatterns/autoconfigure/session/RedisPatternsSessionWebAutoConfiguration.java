package dev.redispatterns.autoconfigure.session;

import java.time.Duration;
import java.util.EnumSet;
import java.util.stream.Collectors;

import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.server.Cookie;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.session.web.http.CookieHttpSessionIdResolver;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.DefaultCookieSerializer;
import org.springframework.session.web.http.HttpSessionIdResolver;
import org.springframework.session.web.http.SessionRepositoryFilter;

import dev.redispatterns.session.RedisPatternsSessionRepository;

/**
 * The session filter's registration and the session cookie for the starter's session repository. It runs
 * after Spring Boot's {@code SessionAutoConfiguration}: when Boot's session module is present, that one
 * registers both (from {@code spring.session.servlet.*} and {@code server.servlet.session.cookie.*}) and
 * this class backs off; otherwise it does the same from the same properties, with
 * {@code redis.patterns.session.servlet.*} taking precedence.
 */
@AutoConfiguration(after = RedisPatternsSessionAutoConfiguration.class,
		afterName = RedisPatternsSessionAutoConfiguration.BOOT_SESSION)
@ConditionalOnClass(SessionRepositoryFilter.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(RedisPatternsSessionRepository.class)
public final class RedisPatternsSessionWebAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "sessionRepositoryFilterRegistration")
	DelegatingFilterProxyRegistrationBean sessionRepositoryFilterRegistration(RedisPatternsSessionProperties properties,
			ListableBeanFactory beanFactory, Environment environment) {
		SessionSettings settings = new SessionSettings(properties, Binder.get(environment), false);
		String[] filters = beanFactory.getBeanNamesForType(SessionRepositoryFilter.class, false, false);
		if (filters.length != 1) {
			throw new IllegalStateException("Expected a single SessionRepositoryFilter bean, found " + filters.length);
		}
		DelegatingFilterProxyRegistrationBean registration = new DelegatingFilterProxyRegistrationBean(filters[0]);
		registration.setDispatcherTypes(settings.filterDispatcherTypes()
			.stream()
			.map((type) -> DispatcherType.valueOf(type.name()))
			.collect(Collectors.toCollection(() -> EnumSet.noneOf(DispatcherType.class))));
		registration.setOrder(settings.filterOrder());
		return registration;
	}

	/**
	 * Spring Boot's session module registered the filter: the starter's own filter settings would be
	 * silently ignored, so they fail the start instead.
	 */
	@Bean
	@ConditionalOnBean(name = RedisPatternsSessionAutoConfiguration.BOOT_SESSION)
	SessionSettings redisPatternsSessionFilterSettingsCheck(RedisPatternsSessionProperties properties,
			Environment environment) {
		return new SessionSettings(properties, Binder.get(environment), true);
	}

	/** The session cookie from {@code server.servlet.session.cookie.*}, as Spring Boot's session module does. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Cookie.class)
	static class SessionCookieConfiguration {

		@Bean
		@Conditional(DefaultCookieSerializerCondition.class)
		DefaultCookieSerializer cookieSerializer(Environment environment) {
			Cookie cookie = Binder.get(environment)
				.bind("server.servlet.session.cookie", Cookie.class)
				.orElseGet(Cookie::new);
			DefaultCookieSerializer serializer = new DefaultCookieSerializer();
			PropertyMapper map = PropertyMapper.get();
			map.from(cookie::getName).to(serializer::setCookieName);
			map.from(cookie::getDomain).to(serializer::setDomainName);
			map.from(cookie::getPath).to(serializer::setCookiePath);
			map.from(cookie::getHttpOnly).to(serializer::setUseHttpOnlyCookie);
			map.from(cookie::getSecure).to(serializer::setUseSecureCookie);
			map.from(cookie::getMaxAge).as(Duration::getSeconds).as(Math::toIntExact).to(serializer::setCookieMaxAge);
			map.from(cookie::getSameSite).as(Cookie.SameSite::attributeValue).to(serializer::setSameSite);
			map.from(cookie::getPartitioned).to(serializer::setPartitioned);
			return serializer;
		}

	}

	/**
	 * A cookie serializer is needed when the application defined neither a session id resolver nor a
	 * serializer, or only a cookie-based resolver.
	 */
	static class DefaultCookieSerializerCondition extends AnyNestedCondition {

		DefaultCookieSerializerCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnMissingBean({ HttpSessionIdResolver.class, CookieSerializer.class })
		static class NoComponentsAvailable {

		}

		@ConditionalOnBean(CookieHttpSessionIdResolver.class)
		@ConditionalOnMissingBean(CookieSerializer.class)
		static class CookieHttpSessionIdResolverAvailable {

		}

	}

}
