package com.example.app;

/**
 * A value type of a pretend application, outside the starter's own packages.
 */
public record AppValue(String name) {
}
