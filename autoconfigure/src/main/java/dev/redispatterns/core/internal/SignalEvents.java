package dev.redispatterns.core.internal;

import dev.redispatterns.core.internal.SignalConnection.Kind;

/** What the signal connection reports to {@link RedisSignals}; called on the client's thread, never blocks. */
final class SignalEvents {

	private final RedisSignals signals;

	SignalEvents(RedisSignals signals) {
		this.signals = signals;
	}

	void message(byte[] channel, byte[] message) {
		this.signals.dispatch(Kind.CHANNEL, channel, channel, message);
		this.signals.dispatchNodeMessage(channel, message);
	}

	void patternMessage(byte[] pattern, byte[] channel, byte[] message) {
		this.signals.dispatch(Kind.PATTERN, pattern, channel, message);
	}

	void shardMessage(byte[] channel, byte[] message) {
		this.signals.dispatch(Kind.SHARD, channel, channel, message);
	}

	void shardUnsubscribed(byte[] channel) {
		this.signals.shardUnsubscribed(channel);
	}

	void resubscribed() {
		this.signals.resubscribed();
	}

}
