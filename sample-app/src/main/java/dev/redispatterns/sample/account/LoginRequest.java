package dev.redispatterns.sample.account;

/**
 * Sign-in form; missing fields are empty.
 * @param username user name
 * @param password password
 */
public record LoginRequest(String username, String password) {

	@SuppressWarnings("NullAway")
	public LoginRequest {
		username = (username != null) ? username.trim() : "";
		password = (password != null) ? password : "";
	}

}
