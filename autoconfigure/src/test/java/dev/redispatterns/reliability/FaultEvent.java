package dev.redispatterns.reliability;

/** A stream payload of the reliability tests. */
public record FaultEvent(String id) {

}
