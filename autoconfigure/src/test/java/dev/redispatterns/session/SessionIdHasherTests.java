package dev.redispatterns.session;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.redispatterns.session.internal.SessionIdHasher;

import static org.assertj.core.api.Assertions.assertThat;

class SessionIdHasherTests {

	private static final byte[] CURRENT = SessionTestApplication.SECRET.getBytes(StandardCharsets.UTF_8);

	private static final byte[] OLD = "an-older-secret-0123456789-abcdefghijk".getBytes(StandardCharsets.UTF_8);

	@Test
	void storageIdIsTheBase64UrlHmacOfTheSessionId() throws Exception {
		SessionIdHasher hasher = SessionIdHasher.hmac(CURRENT, List.of(), false);
		String id = "1f0c1b8e-0d55-4d4b-9c59-2f3a0c7c9d10";
		assertThat(hasher.storageId(id)).isEqualTo(SessionWebContractTests.hmac(id)).hasSize(43).doesNotContain(id);
		assertThat(hasher.storageId(id)).as("deterministic").isEqualTo(hasher.storageId(id));
		assertThat(hasher.storageId(id + "x")).isNotEqualTo(hasher.storageId(id));
	}

	@Test
	void lookupsTryTheCurrentSecretFirstThenOlderFormsInOrder() {
		SessionIdHasher old = SessionIdHasher.hmac(OLD, List.of(), false);
		SessionIdHasher current = SessionIdHasher.hmac(CURRENT, List.of(OLD), true);
		assertThat(current.lookupIds("id")).containsExactly(current.storageId("id"), old.storageId("id"), "id");
		assertThat(SessionIdHasher.hmac(CURRENT, List.of(), false).lookupIds("id")).hasSize(1);
	}

	@Test
	void rawLookupsNeverAcceptAnIdShapedLikeAStorageId() {
		SessionIdHasher migrating = SessionIdHasher.hmac(CURRENT, List.of(), true);
		String storageId = migrating.storageId("1f0c1b8e-0d55-4d4b-9c59-2f3a0c7c9d10");
		assertThat(migrating.lookupIds(storageId)).hasSize(1).doesNotContain(storageId);
		assertThat(migrating.lookupIds("1f0c1b8e-0d55-4d4b-9c59-2f3a0c7c9d10")).hasSize(2);
	}

	@Test
	void withoutASecretTheBuiltInKeyIsUsedEverywhere() {
		assertThat(SessionIdHasher.hmac(null, List.of(), false).storageId("id"))
			.isEqualTo(SessionIdHasher.hmac(null, List.of(), false).storageId("id"))
			.isNotEqualTo(SessionIdHasher.hmac(CURRENT, List.of(), false).storageId("id"))
			.isNotEqualTo("id");
	}

	@Test
	void noneKeepsRawIds() {
		SessionIdHasher none = SessionIdHasher.none();
		assertThat(none.isHashing()).isFalse();
		assertThat(none.storageId("id")).isEqualTo("id");
		assertThat(none.lookupIds("id")).containsExactly("id");
	}

}
