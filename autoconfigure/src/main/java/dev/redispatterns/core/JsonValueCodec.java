package dev.redispatterns.core;

import java.util.Collection;
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
 */
public final class JsonValueCodec implements ValueCodec {

	/** Name of the property carrying the class of a JSON object. */
	public static final String TYPE_PROPERTY = "@class";

	private static final String ALLOW_LIST_HINT = "add its package to redis.patterns.codec.allowed-packages "
			+ "or the class to redis.patterns.codec.allowed-types";

	private final TypeAllowList allowList;

	private final long maxValueSize;

	private final ObjectWriter typedWriter;

	private final ObjectReader typedReader;

	private final JsonMapper plainMapper;

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
		typed.setDefaultTyping(new AllowListTypeResolverBuilder(validator, allowList));
		customizer.accept(typed);
		JsonMapper typedMapper = typed.build();
		this.typedWriter = typedMapper.writerFor(Object.class);
		this.typedReader = typedMapper.readerFor(Object.class);
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
		byte[] bytes;
		try {
			bytes = this.typedWriter.writeValueAsBytes(value);
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
				throw new ValueDecodingException(ValueDecodingException.Reason.TYPE_NOT_ALLOWED, typeId,
						"Payload names type " + typeId + ", which is not in the codec allow-list; " + ALLOW_LIST_HINT,
						ex);
			}
			throw corrupt(ex);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw corrupt(ex);
		}
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
