package dev.redispatterns.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.LoggerFactory;

/**
 * Log events recorded during one test, straight from Logback: unlike capturing the console, it does not
 * depend on what an earlier test did to the logging configuration (a closed Spring Boot application resets
 * Logback and removes its console appender). A whole {@code SpringApplication} started inside the test
 * stops and reconfigures Logback itself; capture the console there (Boot's {@code OutputCaptureExtension}). Each line is {@code LEVEL logger - message}, followed by the
 * stack trace of a logged exception. Use with {@code @ExtendWith(RecordedLogs.Extension.class)} and a test
 * method parameter of this type; it is a {@link CharSequence}, so AssertJ's string assertions apply.
 */
public final class RecordedLogs implements CharSequence {

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {

		@Override
		protected void append(ILoggingEvent event) {
			StringBuilder line = new StringBuilder().append(event.getLevel())
				.append(' ')
				.append(event.getLoggerName())
				.append(" - ")
				.append(event.getFormattedMessage());
			if (event.getThrowableProxy() != null) {
				line.append(System.lineSeparator()).append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
			}
			RecordedLogs.this.lines.add(line.toString());
		}

	};

	private RecordedLogs() {
	}

	/** Every recorded line, in order. */
	public List<String> lines() {
		return List.copyOf(this.lines);
	}

	@Override
	public String toString() {
		return this.lines.stream().collect(Collectors.joining(System.lineSeparator()));
	}

	@Override
	public int length() {
		return toString().length();
	}

	@Override
	public char charAt(int index) {
		return toString().charAt(index);
	}

	@Override
	public CharSequence subSequence(int start, int end) {
		return toString().subSequence(start, end);
	}

	/** Puts the appender back whenever Logback is reset, as Spring Boot does when an application starts. */
	private final LoggerContextListener reattach = new LoggerContextListener() {

		@Override
		public boolean isResetResistant() {
			return true;
		}

		@Override
		public void onStart(LoggerContext context) {
		}

		@Override
		public void onReset(LoggerContext context) {
			attach(context);
		}

		@Override
		public void onStop(LoggerContext context) {
		}

		@Override
		public void onLevelChange(Logger logger, Level level) {
		}

	};

	private void start() {
		LoggerContext context = loggerContext();
		this.appender.setContext(context);
		this.appender.setName("redis-patterns-recorded-logs");
		this.appender.start();
		context.addListener(this.reattach);
		attach(context);
	}

	private void attach(LoggerContext context) {
		// a reset stops every appender it detaches
		if (!this.appender.isStarted()) {
			this.appender.start();
		}
		Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		if (!root.isAttached(this.appender)) {
			root.addAppender(this.appender);
		}
	}

	private void stop() {
		LoggerContext context = loggerContext();
		context.removeListener(this.reattach);
		context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this.appender);
		this.appender.stop();
	}

	private static LoggerContext loggerContext() {
		if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
			throw new IllegalStateException("RecordedLogs needs Logback as the SLF4J backend");
		}
		return context;
	}

	/** Records the logs of every test method of the class and hands them to a {@link RecordedLogs} parameter. */
	public static final class Extension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

		private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RecordedLogs.class);

		@Override
		public void beforeEach(ExtensionContext context) {
			RecordedLogs logs = new RecordedLogs();
			logs.start();
			context.getStore(NAMESPACE).put("logs", logs);
		}

		@Override
		public void afterEach(ExtensionContext context) {
			RecordedLogs logs = context.getStore(NAMESPACE).remove("logs", RecordedLogs.class);
			if (logs != null) {
				logs.stop();
			}
		}

		@Override
		public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
			return parameterContext.getParameter().getType() == RecordedLogs.class;
		}

		@Override
		public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
			return extensionContext.getStore(NAMESPACE).get("logs", RecordedLogs.class);
		}

	}

}
