package dev.redispatterns.consistency.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.redispatterns.consistency.history.FaultWindow;
import dev.redispatterns.consistency.history.History;
import dev.redispatterns.consistency.history.Op;

/**
 * Sessions and "sign out everywhere". A {@code login} creates a session (its value is the session, as the
 * cookie carries it), {@code me} is a request carrying a session (its detail) that the application
 * {@code accepted} or {@code rejected}, {@code signout} revokes all sessions of a user on one instance.
 * Invariant ({@code accepted-after-signout}): once a sign-out-everywhere of a user has returned, no instance
 * accepts a session of that user whose login returned before the sign-out began. (Logins concurrent with
 * the sign-out may survive it, and so may sessions whose revocation a fault that loses Redis state undid.)
 */
public final class SessionChecker implements Checker {

	@Override
	public String pattern() {
		return "session";
	}

	@Override
	public CheckResult check(History history) {
		CheckResult result = new CheckResult(pattern());
		Map<String, Op> logins = new HashMap<>();
		Map<String, List<Op>> signOuts = new HashMap<>();
		List<Op> requests = new ArrayList<>();
		for (Op op : history.ops(pattern())) {
			result.count(op.type(), 1);
			switch (op.type()) {
				case "login" -> {
					if (op.ok()) {
						logins.put(op.value(), op);
					}
				}
				case "signout" -> {
					if (op.ok()) {
						signOuts.computeIfAbsent(op.key(), (k) -> new ArrayList<>()).add(op);
					}
				}
				case "me" -> requests.add(op);
				default -> {
				}
			}
		}
		// One finding per session and sign-out, however often the session was accepted afterwards.
		Map<String, List<Op>> findings = new java.util.LinkedHashMap<>();
		Map<String, Op[]> causes = new HashMap<>();
		for (Op request : requests) {
			if (!request.ok() || !request.value().startsWith("accepted")) {
				continue;
			}
			result.count("accepted", 1);
			Op login = logins.get(request.detail());
			if (login == null) {
				continue;
			}
			for (Op signOut : signOuts.getOrDefault(request.key(), List.of())) {
				if (login.complete() < signOut.invoke() && signOut.complete() < request.invoke()) {
					FaultWindow lost = history.stateLossDuring(signOut.invoke(), request.invoke(), GRACE);
					if (lost != null) {
						// The revocation itself was lost with Redis state (failover): documented.
						result.explained("accepted-after-lost-revocation", lost, signOut.complete(), request.complete());
						break;
					}
					String finding = login.id() + "/" + signOut.id();
					findings.computeIfAbsent(finding, (k) -> new ArrayList<>()).add(request);
					causes.putIfAbsent(finding, new Op[] { login, signOut });
					break;
				}
			}
		}
		findings.forEach((finding, accepted) -> {
			Op login = causes.get(finding)[0];
			Op signOut = causes.get(finding)[1];
			Op first = accepted.get(0);
			Op last = accepted.get(accepted.size() - 1);
			List<Long> ids = new ArrayList<>(List.of(login.id(), signOut.id()));
			accepted.stream().limit(5).forEach((request) -> ids.add(request.id()));
			result.anomaly("accepted-after-signout", first.key(), first.invoke(), "a session of " + first.key()
					+ " signed in before a sign-out-everywhere (which answered " + signOut.value() + ") was accepted "
					+ accepted.size() + " time(s), from "
					+ String.format(java.util.Locale.ROOT, "%.1f ms to %.1f ms", (first.invoke() - signOut.complete()) / 1e6,
							(last.invoke() - signOut.complete()) / 1e6)
					+ " after it returned", ids);
			result.count("requests accepted after sign-out", accepted.size());
		});
		return result;
	}

}
