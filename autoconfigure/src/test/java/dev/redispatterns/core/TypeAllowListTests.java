package dev.redispatterns.core;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TypeAllowListTests {

	private final TypeAllowList allowList = TypeAllowList.of(List.of("com.acme.shop"), List.of("org.example.Money"));

	@Test
	void packagesIncludeSubPackagesButNotLookAlikes() {
		assertThat(this.allowList.isAllowed("com.acme.shop.Product")).isTrue();
		assertThat(this.allowList.isAllowed("com.acme.shop.catalog.Item")).isTrue();
		assertThat(this.allowList.isAllowed("com.acme.shopping.Evil")).isFalse();
		assertThat(this.allowList.isAllowed("com.acme.Other")).isFalse();
	}

	@Test
	void singleTypesAndBuiltInsAreAllowed() {
		assertThat(this.allowList.isAllowed("org.example.Money")).isTrue();
		assertThat(this.allowList.isAllowed("org.example.Other")).isFalse();
		assertThat(this.allowList.isAllowed("java.lang.Long")).isTrue();
		assertThat(this.allowList.isAllowed("java.time.Instant")).isTrue();
		assertThat(this.allowList.isAllowed("java.util.ArrayList")).isTrue();
		assertThat(this.allowList.isAllowed("java.util.ImmutableCollections$ListN")).isTrue();
		assertThat(this.allowList.isAllowed("java.util.concurrent.ConcurrentHashMap")).isTrue();
	}

	@Test
	void dangerousJdkTypesAreNotAllowed() {
		assertThat(this.allowList.isAllowed("java.net.URL")).isFalse();
		assertThat(this.allowList.isAllowed("java.lang.ProcessBuilder")).isFalse();
		assertThat(this.allowList.isAllowed("java.lang.Runtime")).isFalse();
		assertThat(this.allowList.isAllowed("java.util.logging.FileHandler")).isFalse();
		assertThat(this.allowList.isAllowed("java.util.concurrent.ThreadPoolExecutor")).isFalse();
		assertThat(this.allowList.isAllowed("java.util.Timer")).isFalse();
	}

	@Test
	void arraysFollowTheirComponentType() {
		assertThat(this.allowList.isAllowed("[J")).isTrue();
		assertThat(this.allowList.isAllowed("[Ljava.lang.String;")).isTrue();
		assertThat(this.allowList.isAllowed("[[Lcom.acme.shop.Product;")).isTrue();
		assertThat(this.allowList.isAllowed("[Ljava.net.URL;")).isFalse();
	}

}
