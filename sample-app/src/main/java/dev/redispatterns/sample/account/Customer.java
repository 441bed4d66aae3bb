package dev.redispatterns.sample.account;

/**
 * A customer account.
 * @param username sign-in name
 * @param displayName name shown in the shop
 * @param passwordHash PBKDF2 hash, see {@link Passwords}
 * @param admin whether the customer may change the catalogue
 * @param plan the customer's plan: {@value #BASIC} or {@value #PREMIUM}, which has higher API limits
 */
public record Customer(String username, String displayName, String passwordHash, boolean admin, String plan) {

	public static final String BASIC = "basic";

	public static final String PREMIUM = "premium";

}
