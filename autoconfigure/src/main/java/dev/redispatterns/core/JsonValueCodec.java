package dev.redispatterns.core;

import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.NamedType;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;
import tools.jackson.databind.jsontype.TypeIdResolver;
import tools.jackson.databind.jsontype.impl.ClassNameIdResolver;
import tools.jackson.databind.jsontype.impl.DefaultTypeResolverBuilder;

/**
 * The starter's {@link ValueCodec}: JSON through Jackson, the version Spring Boot manages.
 * <p>
 * Self-describing payloads ({@link #encode}) carry the class of every value whose declared type does not
 * fix it ({@code "@class"} properties, or {@code ["type", value]} wrappers for lists, longs and the like),
 * so a {@code List<Product>} comes back as a {@code List<Product>}. Every class named in a payload is
 * checked against the {@link TypeAllowList} on the way in, before it is loaded, and on the way out, so a
 * value that could not be read back is refused at write time with a message naming the property to fix.
 * <p>
 * A reader that stores the value's class next to the JSON (cache entries) uses {@link #encodeForType} and
 * {@link #decode(String, byte[], int, int)} instead: where the class fixes every type id the root would
 * carry (records, final classes, {@code String}, boxed numbers), the root is written without one and read
 * by a reader made once per class, so a read skips Jackson's polymorphic handling of the root; values
 * inside it carry their types exactly as in {@link #encode}.
 */
public final class JsonValueCodec implements ValueCodec {

	/** Name of the property carrying the class of a JSON object. */
	public static final String TYPE_PROPERTY = "@class";

	/** Most classes whose root readers and writers are kept; past it they are made per call. */
	static final int MAX_ROOT_TYPES = 1_000;

	private static final String ALLOW_LIST_HINT = "add its package to redis.patterns.codec.allowed-packages "
			+ "or the class to redis.patterns.codec.allowed-types";

	private final TypeAllowList allowList;

	private final long maxValueSize;

	private final ObjectWriter typedWriter;

	private final ObjectReader typedReader;

	private final JsonMapper plainMapper;

	private final JsonMapper typedMapper;

	private final AllowListTypeResolverBuilder typing;

	/** Per root class: its writer, or {@link #typedWriter} where the value needs {@link #encode}. */
	private final Map<Class<?>, ObjectWriter> rootWriters = new ConcurrentHashMap<>();

	/** Per type id read from a header: a reader of that class, checked against the allow-list once. */
	private final Map<String, ObjectReader> rootReaders = new ConcurrentHashMap<>();

	/**
	 * @param allowList types a payload may name
	 * @param maxValueSize largest encoded value in bytes, or a non-positive value for no limit
	 * @param customizer applied to both the typed and the plain mapper builders (modules, features)
	 */
	public JsonValueCodec(TypeAllowList allowList, long maxValueSize, Consumer<JsonMapper.Builder> customizer) {
		this.allowList = allowList;
		this.maxValueSize = maxValueSize;
		AllowListValidator validator = new AllowListValidator(allowList);
		JsonMapper.Builder typed = baseBuilder(validator);
		this.typing = new AllowListTypeResolverBuilder(validator, allowList);
		typed.setDefaultTyping(this.typing);
		customizer.accept(typed);
		this.typedMapper = typed.build();
		this.typedWriter = this.typedMapper.writerFor(Object.class);
		this.typedReader = this.typedMapper.readerFor(Object.class);
		JsonMapper.Builder plain = baseBuilder(validator);
		customizer.accept(plain);
		this.plainMapper = plain.build();
	}

	/** A codec with the built-in allow-list plus {@code packages}, no size limit and no customization. */
	public static JsonValueCodec forPackages(String... packages) {
		return new JsonValueCodec(TypeAllowList.of(java.util.List.of(packages), java.util.List.of()), 0, (b) -> {
		});
	}

	private static JsonMapper.Builder baseBuilder(PolymorphicTypeValidator validator) {
		return JsonMapper.builder()
			.polymorphicTypeValidator(validator)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
	}

	public TypeAllowList allowList() {
		return this.allowList;
	}

	@Override
	public byte[] encode(@Nullable Object value) {
		return write(this.typedWriter, value);
	}

	private byte[] write(ObjectWriter writer, @Nullable Object value) {
		byte[] bytes;
		try {
			bytes = writer.writeValueAsBytes(value);
		}
		catch (TypeNotAllowedException ex) {
			throw new ValueEncodingException("Type " + ex.typeName + " is not in the codec allow-list; " + ALLOW_LIST_HINT, ex);
		}
		catch (JacksonException ex) {
			TypeNotAllowedException refused = findCause(ex, TypeNotAllowedException.class);
			if (refused != null) {
				throw new ValueEncodingException(
						"Type " + refused.typeName + " is not in the codec allow-list; " + ALLOW_LIST_HINT, ex);
			}
			throw new ValueEncodingException("Cannot write " + typeOf(value) + " as JSON: " + ex.getOriginalMessage(), ex);
		}
		return checkSize(bytes, value);
	}

	@Override
	public @Nullable Object decode(byte[] bytes) {
		try {
			return this.typedReader.readValue(bytes);
		}
		catch (InvalidTypeIdException ex) {
			String typeId = ex.getTypeId();
			if (typeId != null && !this.allowList.isAllowed(typeId)) {
				throw notAllowed(typeId, ex);
			}
			throw corrupt(ex);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw corrupt(ex);
		}
	}

	/**
	 * Encodes {@code value} for a reader that is told its class, {@code value.getClass().getName()}
	 * ({@link #decode(String, byte[], int, int)}): the JSON of {@link #encode} without the root's type id.
	 * @return {@code null} when the class does not fix the root's type id (a non-final class, a collection
	 * or map of {@code java.util}, an enum, an anonymous or hidden class) or is outside the allow-list: such
	 * values are written with {@link #encode}, which also refuses the latter
	 * @throws ValueEncodingException as {@link #encode} does
	 */
	public byte @Nullable [] encodeForType(Object value) {
		ObjectWriter writer = rootWriter(value.getClass());
		return (writer != this.typedWriter) ? write(writer, value) : null;
	}

	/**
	 * Decodes {@code length} bytes at {@code offset} written by {@link #encodeForType} for a value of class
	 * {@code typeId}. The class is checked against the allow-list before it is loaded, as every type id
	 * inside the JSON is.
	 * @throws ValueDecodingException {@code TYPE_NOT_ALLOWED} if {@code typeId} or a type inside the JSON is
	 * outside the allow-list, {@code CORRUPT} if {@code typeId} names no class {@link #encodeForType} writes
	 * or the bytes are not its JSON
	 */
	public @Nullable Object decode(String typeId, byte[] bytes, int offset, int length) {
		ObjectReader reader = this.rootReaders.get(typeId);
		if (reader == null) {
			reader = rootReader(typeId);
			if (this.rootReaders.size() < MAX_ROOT_TYPES) {
				this.rootReaders.putIfAbsent(typeId, reader);
			}
		}
		try {
			return reader.readValue(bytes, offset, length);
		}
		catch (InvalidTypeIdException ex) {
			String nested = ex.getTypeId();
			if (nested != null && !this.allowList.isAllowed(nested)) {
				throw notAllowed(nested, ex);
			}
			throw corrupt(ex);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw corrupt(ex);
		}
	}

	private ObjectWriter rootWriter(Class<?> type) {
		ObjectWriter writer = this.rootWriters.get(type);
		if (writer == null) {
			writer = readableByClass(type) ? this.typedMapper.writerFor(type) : this.typedWriter;
			if (this.rootWriters.size() < MAX_ROOT_TYPES) {
				this.rootWriters.putIfAbsent(type, writer);
			}
		}
		return writer;
	}

	private ObjectReader rootReader(String typeId) {
		if (!this.allowList.isAllowed(typeId)) {
			throw notAllowed(typeId, null);
		}
		Class<?> type;
		try {
			type = this.typedMapper.getTypeFactory().findClass(typeId);
		}
		catch (ClassNotFoundException | LinkageError | RuntimeException ex) {
			throw new ValueDecodingException(ValueDecodingException.Reason.CORRUPT, typeId,
					"Entry names class " + typeId + ", which cannot be loaded", ex);
		}
		if (!type.getName().equals(typeId) || !readableByClass(type)) {
			// a writer never names such a class: the header was not written by this codec
			throw new ValueDecodingException(ValueDecodingException.Reason.CORRUPT, typeId,
					"Entry names class " + typeId + ", whose values are not written with their class", null);
		}
		return this.typedMapper.readerFor(type);
	}

	/**
	 * Whether the root of a {@code type} value needs no type id: default typing would not give a property
	 * declared as {@code type} one, so Jackson writes and reads the root as it does such a property.
	 */
	private boolean readableByClass(Class<?> type) {
		if (type.isEnum() || Enum.class.isAssignableFrom(type) || type.isAnonymousClass() || type.isLocalClass()
				|| type.isHidden() || type.isPrimitive() || EnumSet.class.isAssignableFrom(type)
				|| EnumMap.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)
				|| Map.class.isAssignableFrom(type) || !this.allowList.isAllowed(type.getName())) {
			return false;
		}
		return !this.typing.useForType(this.typedMapper.constructType(type));
	}

	private ValueDecodingException notAllowed(String typeId, @Nullable Exception cause) {
		return new ValueDecodingException(ValueDecodingException.Reason.TYPE_NOT_ALLOWED, typeId,
				"Payload names type " + typeId + ", which is not in the codec allow-list; " + ALLOW_LIST_HINT, cause);
	}

	@Override
	public byte[] write(@Nullable Object value) {
		try {
			return checkSize(this.plainMapper.writeValueAsBytes(value), value);
		}
		catch (JacksonException ex) {
			throw new ValueEncodingException("Cannot write " + typeOf(value) + " as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public <T> @Nullable T read(byte[] bytes, Class<T> type) {
		try {
			return this.plainMapper.readValue(bytes, type);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new ValueDecodingException(ValueDecodingException.Reason.CORRUPT, type.getName(),
					"Cannot read payload as " + type.getName() + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public byte[] checkSize(byte[] bytes) {
		if (this.maxValueSize > 0 && bytes.length > this.maxValueSize) {
			throw new ValueEncodingException("Payload is " + bytes.length
					+ " bytes, more than redis.patterns.codec.max-value-size (" + this.maxValueSize + " bytes)");
		}
		return bytes;
	}

	private byte[] checkSize(byte[] bytes, @Nullable Object value) {
		if (this.maxValueSize > 0 && bytes.length > this.maxValueSize) {
			throw new ValueEncodingException("Encoded " + typeOf(value) + " is " + bytes.length
					+ " bytes, more than redis.patterns.codec.max-value-size (" + this.maxValueSize + " bytes)");
		}
		return bytes;
	}

	private static ValueDecodingException corrupt(Exception ex) {
		String message = (ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : ex.getMessage();
		return new ValueDecodingException(ValueDecodingException.Reason.CORRUPT, null,
				"Payload is not a valid value: " + message, ex);
	}

	private static String typeOf(@Nullable Object value) {
		return (value != null) ? value.getClass().getName() : "null";
	}

	private static <E extends Throwable> @Nullable E findCause(Throwable failure, Class<E> type) {
		Throwable current = failure;
		while (current != null) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
			current = current.getCause();
		}
		return null;
	}

	/** Denies every class name outside the allow-list before Jackson resolves it. */
	private static final class AllowListValidator extends PolymorphicTypeValidator.Base {

		private final TypeAllowList allowList;

		AllowListValidator(TypeAllowList allowList) {
			this.allowList = allowList;
		}

		@Override
		public Validity validateSubClassName(DatabindContext ctxt, JavaType baseType, String subClassName) {
			return this.allowList.isAllowed(subClassName) ? Validity.ALLOWED : Validity.DENIED;
		}

		@Override
		public Validity validateSubType(DatabindContext ctxt, JavaType baseType, JavaType subType) {
			return this.allowList.isAllowed(subType.getRawClass().getName()) ? Validity.ALLOWED : Validity.DENIED;
		}

	}

	/** Default typing for non-final declared types whose ids are checked against the allow-list on write. */
	private static final class AllowListTypeResolverBuilder extends DefaultTypeResolverBuilder {

		private final TypeAllowList allowList;

		AllowListTypeResolverBuilder(PolymorphicTypeValidator validator, TypeAllowList allowList) {
			super(validator, DefaultTyping.NON_FINAL, JsonTypeInfo.As.PROPERTY, JsonTypeInfo.Id.CLASS, TYPE_PROPERTY);
			this.allowList = allowList;
		}

		private AllowListTypeResolverBuilder(AllowListTypeResolverBuilder base, Class<?> defaultImpl) {
			super(base, defaultImpl);
			this.allowList = base.allowList;
		}

		@Override
		public DefaultTypeResolverBuilder withDefaultImpl(Class<?> defaultImpl) {
			return (_defaultImpl == defaultImpl) ? this : new AllowListTypeResolverBuilder(this, defaultImpl);
		}

		@Override
		protected TypeIdResolver idResolver(DatabindContext ctxt, JavaType baseType,
				PolymorphicTypeValidator subtypeValidator, Collection<NamedType> subtypes, boolean forSer,
				boolean forDeser) {
			if (forSer) {
				return new CheckedClassNameIdResolver(baseType, subtypes, subtypeValidator, this.allowList);
			}
			return super.idResolver(ctxt, baseType, subtypeValidator, subtypes, forSer, forDeser);
		}

	}

	private static final class CheckedClassNameIdResolver extends ClassNameIdResolver {

		private final TypeAllowList allowList;

		CheckedClassNameIdResolver(JavaType baseType, Collection<NamedType> subtypes, PolymorphicTypeValidator ptv,
				TypeAllowList allowList) {
			super(baseType, subtypes, ptv);
			this.allowList = allowList;
		}

		@Override
		public String idFromValue(DatabindContext ctxt, Object value) {
			return check(super.idFromValue(ctxt, value));
		}

		@Override
		public String idFromValueAndType(DatabindContext ctxt, Object value, Class<?> type) {
			return check(super.idFromValueAndType(ctxt, value, type));
		}

		private String check(String id) {
			if (!this.allowList.isAllowed(id)) {
				throw new TypeNotAllowedException(id);
			}
			return id;
		}

	}

	private static final class TypeNotAllowedException extends RuntimeException {

		private final String typeName;

		TypeNotAllowedException(String typeName) {
			super("Type not in allow-list: " + typeName, null, false, false);
			this.typeName = typeName;
		}

	}

}
