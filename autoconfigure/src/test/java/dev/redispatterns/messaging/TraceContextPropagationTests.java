package dev.redispatterns.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import brave.Tracing;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.sampler.Sampler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.observability.RedisPatternsObservationAutoConfiguration;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream entries and queue jobs carry the publisher's trace context to their handlers in another
 * application, through Micrometer Observation's sender and receiver contexts and a real tracer (Brave,
 * W3C {@code traceparent}); without tracing nothing extra is stored, and messages without a trace context
 * are still handled.
 */
@RedisTest
class TraceContextPropagationTests {

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	TraceContextPropagationTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = MessagingContexts.runner(redis)
			.withConfiguration(AutoConfigurations.of(RedisPatternsObservationAutoConfiguration.class))
			.withPropertyValues("redis.patterns.messaging.stream.poll-timeout=200ms",
					"redis.patterns.messaging.queue.poll-timeout=200ms");
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@Test
	void handlersInAnotherApplicationRunInThePublishersTrace() {
		this.runner.withUserConfiguration(Traced.class, Listeners.class).run((consumer) -> {
			Listeners listeners = consumer.getBean(Listeners.class);
			this.runner.withUserConfiguration(Traced.class).run((publisher) -> {
				Traced tracing = publisher.getBean(Traced.class);
				Observation request = Observation.start("http.server.requests",
						publisher.getBean(ObservationRegistry.class));
				String traceId;
				try (Observation.Scope scope = request.openScope()) {
					traceId = tracing.tracer.currentSpan().context().traceId();
					publisher.getBean(StreamPublisher.class).publish("orders", "order-1");
					publisher.getBean(QueuePublisher.class).enqueue("mails", "mail-1");
				}
				finally {
					request.stop();
				}
				assertThat(listeners.streamTrace.get(10, TimeUnit.SECONDS)).as("stream handler's trace")
					.isEqualTo(traceId);
				assertThat(listeners.queueTrace.get(10, TimeUnit.SECONDS)).as("queue handler's trace")
					.isEqualTo(traceId);
				assertThat(listeners.streamSpan.get(10, TimeUnit.SECONDS).context().parentId())
					.as("the handler's span is a child of the publish span").isNotNull();
			});
		});
	}

	@Test
	void withTracingTheTraceContextIsStoredWithTheMessage() {
		this.runner.withUserConfiguration(Traced.class).run((publisher) -> {
			publisher.getBean(StreamPublisher.class).publish("orders", "order-1");
			publisher.getBean(QueuePublisher.class).enqueue("mails", "mail-1");
			MessagingKeys keys = publisher.getBean(MessagingKeys.class);
			assertThat(fields(keys.stream("orders"))).containsExactly("payload", "traceparent");
			String job = readyJob(keys.queueReady("mails"));
			assertThat(job).matches("q1\\|0\\|[0-9a-f]{24};traceparent=00-[0-9a-f]{32}-[0-9a-f]{16}-01\\|\"mail-1\"");
		});
	}

	@Test
	void withoutTracingNothingExtraIsStored() {
		// observed (a registry with no tracer), and not observed at all
		ApplicationContextRunner observed = this.runner.withBean(ObservationRegistry.class,
				TestObservationRegistry::create);
		for (ApplicationContextRunner runner : List.of(observed, this.runner)) {
			this.redis.flushAll();
			runner.run((publisher) -> {
				publisher.getBean(StreamPublisher.class).publish("orders", "order-1");
				publisher.getBean(QueuePublisher.class).enqueue("mails", "mail-1");
				MessagingKeys keys = publisher.getBean(MessagingKeys.class);
				assertThat(fields(keys.stream("orders"))).containsExactly("payload");
				assertThat(readyJob(keys.queueReady("mails"))).matches("q1\\|0\\|[0-9a-f]{24}\\|\"mail-1\"");
			});
		}
	}

	@Test
	void messagesWithoutATraceContextAreHandledInATraceOfTheirOwn() {
		this.runner.withUserConfiguration(Traced.class, Listeners.class).run((consumer) -> {
			Listeners listeners = consumer.getBean(Listeners.class);
			this.runner.run((publisher) -> {
				publisher.getBean(StreamPublisher.class).publish("orders", "order-1");
				publisher.getBean(QueuePublisher.class).enqueue("mails", "mail-1");
			});
			assertThat(listeners.streamTrace.get(10, TimeUnit.SECONDS)).as("a trace of its own").isNotEqualTo("none");
			assertThat(listeners.streamSpan.get().context().parentId()).as("a root span").isNull();
			assertThat(listeners.queueTrace.get(10, TimeUnit.SECONDS)).isNotEqualTo("none")
				.isNotEqualTo(listeners.streamTrace.get());
		});
	}

	@Test
	void aPubSubHandlerRunsInATraceOfItsOwn() {
		this.runner.withUserConfiguration(Traced.class, PriceListener.class).run((context) -> {
			PriceListener listener = context.getBean(PriceListener.class);
			Tracer tracer = context.getBean(Traced.class).tracer;
			Observation request = Observation.start("http.server.requests", context.getBean(ObservationRegistry.class));
			String traceId;
			try (Observation.Scope scope = request.openScope()) {
				traceId = tracer.currentSpan().context().traceId();
				assertThat(context.getBean(PubSubPublisher.class).publish("prices", "ACME")).isEqualTo(1);
			}
			finally {
				request.stop();
			}
			Span span = listener.span.get(10, TimeUnit.SECONDS);
			assertThat(span).as("observed").isNotNull();
			assertThat(span.context().parentId()).as("no parent: the message has no room for one").isNull();
			assertThat(span.context().traceId()).isNotEqualTo(traceId);
		});
	}

	@Test
	void aJobPutBackKeepsItsTraceContextAndADeadLetteredOneIsRecordedUnderItsId() throws Exception {
		String script;
		try (var in = Delivery.class.getResourceAsStream("queue_requeue.lua")) {
			script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		String job = "q1|0|abc123;traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01|\"mail\"";
		this.redis.command("RPUSH", "{q}:processing", job);
		assertThat(this.redis.command("EVAL", script, "3", "{q}:processing", "{q}:ready", "{q}:dead", job, "5", "100",
				"consumer-1")).as("put back").isEqualTo(1L);
		String back = text(((List<?>) this.redis.command("LRANGE", "{q}:ready", "0", "-1")).get(0));
		assertThat(back).isEqualTo(job.replace("q1|0|", "q1|1|"));
		this.redis.command("RPUSH", "{q}:processing", back);
		assertThat(this.redis.command("EVAL", script, "3", "{q}:processing", "{q}:ready", "{q}:dead", back, "2", "100",
				"consumer-1")).as("dead-lettered").isEqualTo(2L);
		List<?> entries = (List<?>) this.redis.command("XRANGE", "{q}:dead", "-", "+");
		List<?> flat = (List<?>) ((List<?>) entries.get(0)).get(1);
		assertThat(text(flat.get(2))).isEqualTo("source-id");
		assertThat(text(flat.get(3))).isEqualTo("abc123");
	}

	private List<String> fields(String stream) {
		List<?> entries = (List<?>) this.redis.command("XRANGE", stream, "-", "+");
		assertThat(entries).hasSize(1);
		List<?> flat = (List<?>) ((List<?>) entries.get(0)).get(1);
		List<String> names = new ArrayList<>();
		for (int i = 0; i < flat.size(); i += 2) {
			names.add(text(flat.get(i)));
		}
		return names;
	}

	private String readyJob(String list) {
		List<?> jobs = (List<?>) this.redis.command("LRANGE", list, "0", "-1");
		assertThat(jobs).hasSize(1);
		return text(jobs.get(0));
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	/** One application's tracer: Brave with W3C propagation, every trace sampled, wired as Spring Boot does. */
	@Configuration(proxyBeanMethods = false)
	static class Traced implements AutoCloseable {

		final Tracing tracing = Tracing.newBuilder()
			.currentTraceContext(ThreadLocalCurrentTraceContext.create())
			.propagationFactory(new W3CPropagation())
			.sampler(Sampler.ALWAYS_SAMPLE)
			.addSpanHandler(new SpanHandler() {
				// finished spans are not reported anywhere
			})
			.build();

		final Tracer tracer = new BraveTracer(this.tracing.tracer(),
				new BraveCurrentTraceContext(this.tracing.currentTraceContext()), new BraveBaggageManager());

		@Bean
		ObservationRegistry observationRegistry() {
			BravePropagator propagator = new BravePropagator(this.tracing);
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig()
				.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
						new PropagatingSenderTracingObservationHandler<>(this.tracer, propagator),
						new PropagatingReceiverTracingObservationHandler<>(this.tracer, propagator),
						new DefaultTracingObservationHandler(this.tracer)));
			return registry;
		}

		@Override
		public void close() {
			this.tracing.close();
		}

	}

	/** Records the span a pub/sub handler runs in. */
	static class PriceListener {

		final CompletableFuture<Span> span = new CompletableFuture<>();

		private final Tracer tracer;

		PriceListener(Traced traced) {
			this.tracer = traced.tracer;
		}

		@PubSubListener("prices")
		void price(String price) {
			this.span.complete(this.tracer.currentSpan());
		}

	}

	/** Records the trace each handler runs in, as its tracer sees it. */
	static class Listeners {

		final CompletableFuture<String> streamTrace = new CompletableFuture<>();

		final CompletableFuture<Span> streamSpan = new CompletableFuture<>();

		final CompletableFuture<String> queueTrace = new CompletableFuture<>();

		private final Tracer tracer;

		Listeners(Traced traced) {
			this.tracer = traced.tracer;
		}

		@StreamGroupListener(stream = "orders", group = "billing")
		void order(String order) {
			Span span = this.tracer.currentSpan();
			this.streamSpan.complete(span);
			this.streamTrace.complete((span != null) ? span.context().traceId() : "none");
		}

		@QueueListener(queue = "mails")
		void mail(String mail) {
			Span span = this.tracer.currentSpan();
			this.queueTrace.complete((span != null) ? span.context().traceId() : "none");
		}

	}

}
