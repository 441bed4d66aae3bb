package dev.redispatterns.messaging;

/** A pub/sub payload of the tests. */
public record PriceChanged(String symbol, long cents) {

}
