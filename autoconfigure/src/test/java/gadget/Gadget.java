package gadget;

/**
 * Stands for a class outside every allow-list. Its static initializer leaves a mark, so tests can prove
 * that a refused payload never initializes (let alone instantiates) it. Tests must not reference this
 * class directly.
 */
public class Gadget {

	public static final String INITIALIZED_PROPERTY = "gadget.Gadget.initialized";

	static {
		System.setProperty("gadget.Gadget.initialized", "true");
	}

	public String command;

	public Gadget() {
		System.setProperty("gadget.Gadget.instantiated", "true");
	}

}
