package dev.redispatterns.messaging;

/** A stream and queue payload of the tests. */
public record OrderPlaced(String id, int amount) {

}
