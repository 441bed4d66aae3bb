package com.example.app;

/**
 * A value of a pretend application holding a value of any type, written with its type id.
 *
 * @param content the value held
 */
public record AppEnvelope(Object content) {
}
