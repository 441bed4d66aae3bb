package dev.redispatterns.messaging.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.test.RecordedLogs;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader's connection is closed when {@link DedicatedConnection#close()} returns: the connection factory
 * shuts the client down right after the readers stop, and a close still under way then is done a second time
 * by the client (Lettuce warns "Connection is already closed"). The network close is held back here, as an
 * event loop busy with other connections would.
 */
@RedisTest
@Timeout(60)
@ExtendWith(RecordedLogs.Extension.class)
class DedicatedConnectionShutdownTests {

	@Test
	void closeReturnsOnceTheConnectionIsClosedSoTheClientsShutdownDoesNotCloseItAgain(RedisDeployment redis,
			RecordedLogs logs) throws Exception {
		HeldClose held = new HeldClose();
		ClientResources resources = ClientResources.builder().nettyCustomizer(held).build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.host(), redis.port()),
				LettuceClientConfiguration.builder().clientResources(resources).build());
		factory.afterPropertiesSet();
		factory.start();
		RedisConnector connector = new RedisConnector(factory, Duration.ofSeconds(5));
		try {
			DedicatedConnection reader = DedicatedConnection.open(connector, Duration.ofSeconds(10));
			held.arm();
			Thread stopping = new Thread(() -> {
				reader.close();
				held.closeReturnedWhileHeld = !held.released;
				held.closeReturned = true;
				connector.destroy();
				factory.destroy();
			}, "stopping");
			stopping.start();
			assertThat(held.requested.await(30, TimeUnit.SECONDS)).as("the reader's connection is closing").isTrue();
			awaitWaitingInClose(stopping, held);
			held.release();
			stopping.join(TimeUnit.SECONDS.toMillis(30));
			assertThat(stopping.isAlive()).as("stopped").isFalse();
			assertThat(held.closeReturnedWhileHeld).as("close() returned while the connection was still closing")
				.isFalse();
			assertThat(logs).doesNotContain("Connection is already closed");
		}
		finally {
			held.release();
			factory.destroy();
			resources.shutdown(0, 5, TimeUnit.SECONDS);
		}
	}

	/** Until the thread has returned from close() or waits inside it, for the held network close. */
	private static void awaitWaitingInClose(Thread thread, HeldClose held) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!held.closeReturned && !waitingInClose(thread)) {
			assertThat(System.nanoTime()).as("the stopping thread leaves or waits in close()").isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

	private static boolean waitingInClose(Thread thread) {
		Thread.State state = thread.getState();
		return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
				&& Arrays.stream(thread.getStackTrace())
					.anyMatch((frame) -> frame.getClassName().startsWith(DedicatedConnection.class.getName())
							&& frame.getMethodName().equals("close"));
	}

	/** Holds back the first network close after {@link #arm()} until {@link #release()}. */
	@ChannelHandler.Sharable
	static final class HeldClose extends ChannelOutboundHandlerAdapter implements NettyCustomizer {

		final CountDownLatch requested = new CountDownLatch(1);

		volatile boolean closeReturnedWhileHeld;

		volatile boolean closeReturned;

		volatile boolean released;

		private boolean armed;

		private ChannelHandlerContext context;

		private ChannelPromise promise;

		@Override
		public void afterChannelInitialized(Channel channel) {
			channel.pipeline().addFirst(this);
		}

		synchronized void arm() {
			this.armed = true;
		}

		@Override
		public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
			synchronized (this) {
				if (this.armed) {
					this.armed = false;
					this.context = ctx;
					this.promise = promise;
					this.requested.countDown();
					return;
				}
			}
			ctx.close(promise);
		}

		void release() {
			ChannelHandlerContext ctx;
			ChannelPromise held;
			synchronized (this) {
				ctx = this.context;
				held = this.promise;
				this.context = null;
				this.promise = null;
			}
			if (held != null) {
				this.released = true;
				ctx.close(held);
			}
		}

	}

}
