package dev.redispatterns.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.csrf.DefaultCsrfToken;
import org.springframework.security.web.savedrequest.DefaultSavedRequest;

import dev.redispatterns.core.EncryptingValueCodec;
import dev.redispatterns.core.ValueCipher;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.ValueDecodingException;
import dev.redispatterns.core.ValueEncodingException;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With Spring Security on the class path, the codec stores what Spring Security keeps in a session — the
 * security context with its token, user, authorities and details, the saved request, the CSRF token, the
 * last failure — in JSON and in encrypted JSON, through Spring Security's own mix-ins; nothing else of
 * Spring Security is allowed, and the date format of other values does not change.
 */
@Tag("security")
@RedisTest
class SpringSecurityValueTypesTests {

	private final ApplicationContextRunner runner;

	SpringSecurityValueTypesTests(RedisDeployment redis) {
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class))
			.withPropertyValues(redis.springProperties());
	}

	@Test
	void sessionTypesRoundTripInJsonAndEncrypted() {
		this.runner.run((context) -> {
			ValueCodec json = context.getBean(ValueCodec.class);
			Values.roundTrip(json);
			Values.roundTrip(new EncryptingValueCodec(json, ValueCipher.aesGcm(Map.of("k1", new byte[32]), "k1")));
			assertThat(Values.storedContext(json))
				.contains("\"@class\":\"org.springframework.security.core.context.SecurityContextImpl\"");
		});
	}

	@Test
	void otherSpringSecurityTypesStayRefused() {
		this.runner.run((context) -> {
			ValueCodec json = context.getBean(ValueCodec.class);
			assertThatExceptionOfType(ValueEncodingException.class).isThrownBy(() -> Values.encodeTestingToken(json))
				.withMessageContaining("TestingAuthenticationToken");
			String forged = "{\"@class\":\"org.springframework.security.authentication.TestingAuthenticationToken\","
					+ "\"principal\":\"admin\",\"credentials\":\"x\",\"authorities\":[\"java.util.ArrayList\",[]]}";
			assertThatExceptionOfType(ValueDecodingException.class)
				.isThrownBy(() -> json.decode(forged.getBytes(StandardCharsets.UTF_8)));
		});
	}

	@Test
	void datesKeepTheirFormatAndTheTypesCanBeSwitchedOff() {
		Instant instant = Instant.parse("2024-05-01T10:15:30Z");
		this.runner.run((context) -> assertThat(
				new String(context.getBean(ValueCodec.class).encode(List.of(instant)), StandardCharsets.UTF_8))
			.contains("2024-05-01T10:15:30Z"));
		this.runner.withPropertyValues("redis.patterns.codec.spring-security-types=false")
			.run((context) -> assertThatExceptionOfType(ValueEncodingException.class)
				.isThrownBy(() -> Values.storedContext(context.getBean(ValueCodec.class))));
	}

	/**
	 * Everything touching Spring Security's types, apart: the default test run, without Spring Security on
	 * the class path, still loads the test class to find out that its tag excludes it.
	 */
	static final class Values {

		static void roundTrip(ValueCodec codec) {
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/orders/7");
			request.setRemoteAddr("203.0.113.9");
			request.setQueryString("page=2");
			request.addHeader("Accept", "text/html");
			SecurityContextImpl securityContext = context(request);
			SecurityContextImpl read = (SecurityContextImpl) codec.decode(codec.encode(securityContext));
			assertThat(read.getAuthentication()).isEqualTo(securityContext.getAuthentication());
			assertThat(read.getAuthentication().getPrincipal()).isInstanceOf(User.class);
			assertThat(read.getAuthentication().getDetails()).isEqualTo(securityContext.getAuthentication().getDetails());
			DefaultSavedRequest saved = new DefaultSavedRequest(request, "continue");
			DefaultSavedRequest savedRead = (DefaultSavedRequest) codec.decode(codec.encode(saved));
			assertThat(savedRead.getRedirectUrl()).isEqualTo(saved.getRedirectUrl());
			assertThat(savedRead.getHeaderValues("Accept")).containsExactly("text/html");
			DefaultCsrfToken csrf = new DefaultCsrfToken("X-CSRF-TOKEN", "_csrf", "t0k3n");
			assertThat(((DefaultCsrfToken) codec.decode(codec.encode(csrf))).getToken()).isEqualTo("t0k3n");
			BadCredentialsException failure = (BadCredentialsException) codec
				.decode(codec.encode(new BadCredentialsException("Bad credentials")));
			assertThat(failure.getMessage()).isEqualTo("Bad credentials");
		}

		static String storedContext(ValueCodec codec) {
			return new String(codec.encode(context(new MockHttpServletRequest())), StandardCharsets.UTF_8);
		}

		static byte[] encodeTestingToken(ValueCodec codec) {
			return codec.encode(new TestingAuthenticationToken("ann", "secret"));
		}

		private static SecurityContextImpl context(MockHttpServletRequest request) {
			User ann = new User("ann", "", List.of(new SimpleGrantedAuthority("ROLE_USER")));
			UsernamePasswordAuthenticationToken token = UsernamePasswordAuthenticationToken.authenticated(ann, null,
					ann.getAuthorities());
			token.setDetails(new WebAuthenticationDetails(request));
			return new SecurityContextImpl(token);
		}

	}

}
