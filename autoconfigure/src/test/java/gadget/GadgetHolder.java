package gadget;

/**
 * Loaded by the tests on purpose (unlike {@link Gadget}), to be written by the codec.
 */
public record GadgetHolder(String name) {
}
