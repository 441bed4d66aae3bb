package dev.redispatterns.session;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.servlet.http.Cookie;

import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/**
 * A browser for session tests: keeps the session cookie between requests, whichever instance (MockMvc)
 * serves them.
 */
final class Browser {

	private volatile String cookie;

	/** Last response status. */
	volatile int status;

	String get(MockMvc mvc, String path) {
		return perform(mvc, MockMvcRequestBuilders.get(path));
	}

	String post(MockMvc mvc, String path, String... params) {
		MockHttpServletRequestBuilder request = MockMvcRequestBuilders.post(path);
		for (int i = 0; i + 1 < params.length; i += 2) {
			request.param(params[i], params[i + 1]);
		}
		return perform(mvc, request);
	}

	private String perform(MockMvc mvc, MockHttpServletRequestBuilder request) {
		String current = this.cookie;
		if (current != null) {
			request.cookie(new Cookie("SESSION", current));
		}
		try {
			MockHttpServletResponse response = mvc.perform(request).andReturn().getResponse();
			this.status = response.getStatus();
			for (String header : response.getHeaders("Set-Cookie")) {
				if (header.startsWith("SESSION=")) {
					String value = header.substring("SESSION=".length(), header.indexOf(';') > 0 ? header.indexOf(';')
							: header.length());
					this.cookie = value.isEmpty() ? null : value;
				}
			}
			return response.getContentAsString();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A browser presenting {@code sessionId} as its session cookie. */
	static Browser withSessionId(String sessionId) {
		Browser browser = new Browser();
		browser.cookie = Base64.getEncoder().encodeToString(sessionId.getBytes(StandardCharsets.UTF_8));
		return browser;
	}

	boolean hasSession() {
		return this.cookie != null;
	}

	/** The session id the cookie carries (Spring Session base64-encodes it). */
	String sessionId() {
		return new String(Base64.getDecoder().decode(this.cookie), StandardCharsets.UTF_8);
	}

}
