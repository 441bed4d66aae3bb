package dev.redispatterns.core.internal;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * Where every thread of the starter comes from, configured the way Spring Boot configures its own task
 * executors: virtual threads when {@code spring.threads.virtual.enabled=true} on Java 21 or later (ignored
 * on Java 17, as Boot does), platform daemon threads otherwise; names start with {@value #PREFIX}; work
 * run on a caller's behalf (such as a refresh-ahead recomputation) goes through the application's
 * {@link TaskDecorator} bean, the one Boot applies to {@code applicationTaskExecutor}, so MDC, tracing or
 * security context reach it.
 */
public final class RedisPatternsThreads {

	/** The start of every thread name. */
	public static final String PREFIX = "redis-patterns-";

	private static final RedisPatternsThreads PLATFORM = new RedisPatternsThreads(false, null);

	private static final Captured NOTHING_CAPTURED = (task) -> task;

	private static final Repeated NOTHING_REPEATED = Runnable::run;

	private final boolean virtual;

	private final @Nullable TaskDecorator decorator;

	/**
	 * @param virtual whether threads are virtual (needs Java 21 or later)
	 * @param decorator applied to work run on a caller's behalf, {@code null} for none
	 */
	public RedisPatternsThreads(boolean virtual, @Nullable TaskDecorator decorator) {
		this.virtual = virtual;
		this.decorator = decorator;
	}

	/** Platform daemon threads without a decorator: what components built by hand use. */
	public static RedisPatternsThreads platform() {
		return PLATFORM;
	}

	/** Follows Boot's {@code spring.threads.virtual.enabled} and the application's decorator. */
	public static RedisPatternsThreads of(Environment environment, @Nullable TaskDecorator decorator) {
		return new RedisPatternsThreads(Threading.VIRTUAL.isActive(environment), decorator);
	}

	public boolean isVirtual() {
		return this.virtual;
	}

	/** An unstarted thread named {@value #PREFIX}{@code name}. */
	public Thread thread(String name, Runnable task) {
		Thread thread = factory(name).newThread(task);
		thread.setName(PREFIX + name);
		return thread;
	}

	/** Makes threads named {@value #PREFIX}{@code name-1}, {@code -2}, ... */
	public ThreadFactory factory(String name) {
		String prefix = PREFIX + name + "-";
		ThreadFactory virtualThreads = this.virtual ? new VirtualThreadTaskExecutor(prefix).getVirtualThreadFactory()
				: null;
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			String threadName = prefix + count.incrementAndGet();
			if (virtualThreads != null) {
				Thread thread = virtualThreads.newThread(runnable);
				thread.setName(threadName);
				return thread;
			}
			Thread thread = new Thread(runnable, threadName);
			thread.setDaemon(true);
			return thread;
		};
	}

	/** A one-thread scheduler whose cancelled tasks leave its queue at once. */
	public ScheduledThreadPoolExecutor scheduler(String name) {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, factory(name));
		scheduler.setRemoveOnCancelPolicy(true);
		return scheduler;
	}

	/**
	 * Captures the calling thread's context (through the decorator) for one task that runs later on
	 * another thread. Call it on the caller's thread, before handing work to a Redis callback or a pool.
	 */
	public Captured capture() {
		TaskDecorator decorator = this.decorator;
		if (decorator == null) {
			return NOTHING_CAPTURED;
		}
		Slot slot = new Slot();
		Runnable decorated = decorator.decorate(slot);
		return (task) -> {
			slot.task = task;
			return decorated;
		};
	}

	/**
	 * Captures the calling thread's context for work that runs on its behalf many times, one run at a time
	 * (such as the lease renewals of a lock it holds). The decorated task is run once per
	 * {@link Repeated#run}, which decorators that set a context up and tear it down again support.
	 */
	public Repeated captureRepeated() {
		TaskDecorator decorator = this.decorator;
		if (decorator == null) {
			return NOTHING_REPEATED;
		}
		Slot slot = new Slot();
		Runnable decorated = decorator.decorate(slot);
		// one run at a time, as the slot holds one task; a lock rather than a monitor, which would pin a
		// virtual thread's carrier while the task runs
		ReentrantLock oneAtATime = new ReentrantLock();
		return (task) -> {
			oneAtATime.lock();
			try {
				slot.task = task;
				decorated.run();
			}
			finally {
				slot.task = null;
				oneAtATime.unlock();
			}
		};
	}

	/** The context of one caller, applied to each task run on its behalf, one at a time. */
	@FunctionalInterface
	public interface Repeated {

		/** Runs {@code task} now, on this thread, in the captured context. */
		void run(Runnable task);

	}

	/** The context of one caller, applied to the one task that runs on its behalf. */
	@FunctionalInterface
	public interface Captured {

		/** {@code task} wrapped to run in the captured context; use the result once. */
		Runnable wrap(Runnable task);

	}

	/** Decorators see this task when they capture; it runs whatever task is set later. */
	private static final class Slot implements Runnable {

		private volatile @Nullable Runnable task;

		@Override
		public void run() {
			Runnable task = this.task;
			if (task != null) {
				task.run();
			}
		}

	}

}
