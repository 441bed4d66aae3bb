package dev.redispatterns.sample.account;

/**
 * A customer account.
 * @param username sign-in name
 * @param displayName name shown in the shop
 * @param passwordHash PBKDF2 hash, see {@link Passwords}
 * @param admin whether the customer may change the catalogue
 */
public record Customer(String username, String displayName, String passwordHash, boolean admin) {
}
