package dev.redispatterns.core;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import dev.redispatterns.core.internal.RedisKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RedisKeysTests {

	private final RedisKeys keys = new RedisKeys("rp");

	@Test
	void keysHavePrefixAreaNameAndId() {
		assertThat(this.keys.key("rl", "api", "user-1")).isEqualTo("rp:rl:api:user-1");
		assertThat(new RedisKeys("shop").key("cache", "products", "42")).isEqualTo("shop:cache:products:42");
	}

	@Test
	void slotGroupKeysShareOneHashTagAndSlot() {
		RedisKeys.SlotGroup group = this.keys.slotGroup("lock", "order:7");
		assertThat(group.key()).isEqualTo("rp:lock:{order:7}");
		assertThat(group.key("fence")).isEqualTo("rp:lock:{order:7}:fence");
		assertThat(SlotHash.getSlot(group.key("fence"))).isEqualTo(SlotHash.getSlot(group.key()))
			.isEqualTo(SlotHash.getSlot("order:7"));
	}

	@Test
	void hashTagCharactersInDataCannotChooseTheSlot() {
		RedisKeys.SlotGroup hostile = this.keys.slotGroup("lock", "x}evil{tag");
		assertThat(hostile.key()).isEqualTo("rp:lock:{x%7Devil%7Btag}");
		assertThat(SlotHash.getSlot(hostile.key())).isEqualTo(SlotHash.getSlot("x%7Devil%7Btag"));
		assertThat(this.keys.key("cache", "c", "{a}")).isEqualTo("rp:cache:c:%7Ba%7D");
	}

	@Test
	void controlCharactersPercentAndLoneSurrogatesAreEscaped() {
		assertThat(RedisKeys.escape("a\nb\r\u0000%")).isEqualTo("a%0Ab%0D%00%25");
		assertThat(RedisKeys.escape("x\uD800y")).isEqualTo("x%uD800y");
		assertThat(RedisKeys.escape("caf\u00e9 \uD83D\uDE00")).as("valid unicode is kept").isEqualTo("caf\u00e9 \uD83D\uDE00");
	}

	@Test
	void escapingIsInjective() {
		assertThat(RedisKeys.escape("%7B")).isNotEqualTo(RedisKeys.escape("{"));
	}

	@Test
	void longPartsAreShortenedToAPrefixAndADigest() {
		String longId = "u".repeat(10_000);
		String escaped = RedisKeys.escape(longId);
		assertThat(escaped).hasSizeLessThan(RedisKeys.MAX_PART_LENGTH).startsWith("u".repeat(64) + "%~");
		assertThat(RedisKeys.escape("u".repeat(9_999) + "v")).isNotEqualTo(escaped);
		assertThat(RedisKeys.escape("u".repeat(RedisKeys.MAX_PART_LENGTH))).as("at the limit: kept")
			.isEqualTo("u".repeat(RedisKeys.MAX_PART_LENGTH));
	}

	@Test
	void scanPatternsEscapeGlobCharacters() {
		assertThat(this.keys.pattern("cache", "prod*ucts")).isEqualTo("rp:cache:prod\\*ucts:*");
	}

	@Test
	void invalidPrefixesAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisKeys(""));
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisKeys("a b"));
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisKeys("{rp}"));
	}

}
