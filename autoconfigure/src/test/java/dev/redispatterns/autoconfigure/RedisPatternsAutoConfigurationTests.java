package dev.redispatterns.autoconfigure;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import com.example.app.AppValue;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisTopology;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.ValueEncodingException;
import dev.redispatterns.core.internal.KeyExpressionEvaluator;
import dev.redispatterns.core.internal.RedisChannels;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.core.internal.SentinelFailoverFollower;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RedisTest
class RedisPatternsAutoConfigurationTests {

	private final ApplicationContextRunner runner;

	RedisPatternsAutoConfigurationTests(RedisDeployment redis) {
		this.runner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisPatternsAutoConfiguration.class))
			.withPropertyValues(redis.springProperties());
	}

	@Test
	void coreBeansAreCreatedWithDefaults() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RedisConnector.class)
				.hasSingleBean(RedisKeys.class)
				.hasSingleBean(ScriptExecutor.class)
				.hasSingleBean(ValueCodec.class)
				.hasSingleBean(KeyExpressionEvaluator.class)
				.hasSingleBean(RedisSignals.class);
			assertThat(context.getBean(RedisKeys.class).prefix()).isEqualTo("rp");
			RedisConnector connector = context.getBean(RedisConnector.class);
			assertThat(connector.topology()).isEqualTo(RedisTopology.STANDALONE);
			assertThat(connector.isConnected()).isTrue();
			assertThat(connector.commandTimeout()).hasSeconds(1);
		});
	}

	@Test
	void keyPrefixIsConfigurable() {
		this.runner.withPropertyValues("redis.patterns.key-prefix=shop")
			.run((context) -> assertThat(context.getBean(RedisKeys.class).key("cache", "p", "1"))
				.isEqualTo("shop:cache:p:1"));
	}

	@Test
	void invalidKeyPrefixFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("redis.patterns.key-prefix={rp}").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("redis.patterns.key-prefix");
		});
	}

	@Test
	void nonPositiveCommandTimeoutFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("redis.patterns.command-timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("redis.patterns.command-timeout");
		});
	}

	@Test
	void masterSwitchTurnsEverythingOff() {
		this.runner.withPropertyValues("redis.patterns.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RedisConnector.class)
				.doesNotHaveBean(ValueCodec.class)
				.doesNotHaveBean(KeyExpressionEvaluator.class));
	}

	@Test
	void backsOffWithoutARedisConnectionFactory() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RedisPatternsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisConnector.class));
	}

	@Test
	void applicationBeansReplaceTheStartersBeans() {
		this.runner.withUserConfiguration(CustomKeys.class)
			.run((context) -> assertThat(context.getBean(RedisKeys.class).prefix()).isEqualTo("custom"));
	}

	@Test
	void applicationPackagesAreAllowedInTheCodecByDefault() {
		this.runner.withUserConfiguration(AppPackage.class).run((context) -> {
			ValueCodec codec = context.getBean(ValueCodec.class);
			AppValue value = new AppValue("x");
			assertThat(codec.decode(codec.encode(value))).isEqualTo(value);
		});
		this.runner.withUserConfiguration(AppPackage.class)
			.withPropertyValues("redis.patterns.codec.allow-application-packages=false")
			.run((context) -> assertThatThrownBy(() -> context.getBean(ValueCodec.class).encode(new AppValue("x")))
				.isInstanceOf(ValueEncodingException.class));
	}

	@Test
	void codecAllowListAndCustomizersComeFromConfiguration() {
		this.runner.withUserConfiguration(CodecCustomizerConfiguration.class)
			.withPropertyValues("redis.patterns.codec.allowed-types=com.example.app.AppValue")
			.run((context) -> {
				ValueCodec codec = context.getBean(ValueCodec.class);
				assertThat(codec.decode(codec.encode(new AppValue("y")))).isEqualTo(new AppValue("y"));
				assertThat(context.getBean(CodecCustomizerConfiguration.class).applied).isTrue();
			});
	}

	@Test
	void adaptiveClusterTopologyRefreshIsEnabledByDefault() {
		this.runner.run((context) -> {
			ClusterTopologyRefreshOptions refresh = clusterRefresh(context);
			assertThat(refresh.getAdaptiveRefreshTriggers())
				.containsExactlyInAnyOrder(ClusterTopologyRefreshOptions.RefreshTrigger.values());
			assertThat(refresh.getAdaptiveRefreshTimeout()).as("at most one adaptive refresh per second")
				.isEqualTo(Duration.ofSeconds(1));
			assertThat(refresh.isPeriodicRefreshEnabled()).isTrue();
			assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(30));
			assertThat(refresh.useDynamicRefreshSources()).isTrue();
			assertThat(refresh.isCloseStaleConnections()).isTrue();
		});
		this.runner.withPropertyValues("redis.patterns.cluster.adaptive-refresh=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LettuceClientOptionsBuilderCustomizer.class));
	}

	@Test
	void adaptiveTopologyRefreshesMayFollowEachOtherWithinASecond() {
		this.runner.run((context) -> {
			ClusterClientOptions.Builder builder = ClusterClientOptions.builder();
			context.getBean(LettuceClientOptionsBuilderCustomizer.class).customize(builder);
			assertThat(builder.build().getTopologyRefreshOptions().getAdaptiveRefreshTimeout()).hasSeconds(1);
		});
		this.runner.withPropertyValues("redis.patterns.cluster.adaptive-refresh-min-interval=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("redis.patterns.cluster.adaptive-refresh-min-interval");
		});
	}

	@Test
	void sentinelFailoverFollowerOnlyWithSentinel() {
		// the application's own connection settings: standalone, so nothing to follow
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(SentinelFailoverFollower.class)
			.doesNotHaveBean(RedisChannels.class));
		ApplicationContextRunner sentinel = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisPatternsAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.sentinel.master=mymaster",
					"spring.data.redis.sentinel.nodes=127.0.0.1:1", "redis.patterns.sentinel.resubscribe-interval=1h");
		sentinel.run((context) -> {
			assertThat(context).hasSingleBean(SentinelFailoverFollower.class).hasSingleBean(RedisChannels.class);
			SentinelFailoverFollower follower = context.getBean(SentinelFailoverFollower.class);
			assertThat(follower.isRunning()).as("started without waiting for the unreachable sentinel").isTrue();
			assertThat(follower.isSubscribedToAll()).isFalse();
		});
		sentinel.withPropertyValues("redis.patterns.sentinel.follow-failover=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SentinelFailoverFollower.class)
				.doesNotHaveBean(RedisChannels.class));
	}

	@Test
	void clusterTopologyRefreshFollowsTheStarterAndSpringBootProperties() {
		ApplicationContextRunner cluster = clusterRunner();
		cluster.run((context) -> {
			ClusterTopologyRefreshOptions refresh = appliedClusterRefresh(context);
			assertThat(refresh.getAdaptiveRefreshTriggers())
				.containsExactlyInAnyOrder(ClusterTopologyRefreshOptions.RefreshTrigger.values());
			assertThat(refresh.getAdaptiveRefreshTimeout()).hasSeconds(1);
			assertThat(refresh.getRefreshPeriod()).hasSeconds(30);
		});
		cluster
			.withPropertyValues("redis.patterns.cluster.adaptive-refresh-min-interval=250ms",
					"spring.data.redis.lettuce.cluster.refresh.period=5s",
					"spring.data.redis.lettuce.cluster.refresh.dynamic-refresh-sources=false")
			.run((context) -> {
				ClusterTopologyRefreshOptions refresh = appliedClusterRefresh(context);
				assertThat(refresh.getAdaptiveRefreshTimeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(5));
				assertThat(refresh.useDynamicRefreshSources()).isFalse();
			});
		cluster.withPropertyValues("redis.patterns.cluster.periodic-refresh=10s")
			.run((context) -> assertThat(appliedClusterRefresh(context).getRefreshPeriod()).hasSeconds(10));
	}

	@Test
	void theUsersLettuceSettingsWinOverTheStartersDefaults() {
		ApplicationContextRunner cluster = clusterRunner();
		cluster.withPropertyValues("spring.data.redis.lettuce.cluster.refresh.adaptive=false")
			.run((context) -> assertThat(appliedClusterRefresh(context).getAdaptiveRefreshTriggers()).isEmpty());
		cluster.withUserConfiguration(UserLettuceCustomizers.class).run((context) -> {
			assertThat(appliedClusterRefresh(context).getAdaptiveRefreshTimeout()).hasSeconds(10);
			assertThat(context.getBean(ClientResources.class).reconnectDelay().createDelay(1)).hasSeconds(7);
		});
		cluster.withPropertyValues("redis.patterns.cluster.adaptive-refresh=false").run((context) -> {
			ClusterTopologyRefreshOptions refresh = appliedClusterRefresh(context);
			assertThat(refresh.getAdaptiveRefreshTimeout())
				.isEqualTo(ClusterTopologyRefreshOptions.DEFAULT_ADAPTIVE_REFRESH_TIMEOUT_DURATION);
			assertThat(refresh.isPeriodicRefreshEnabled()).isFalse();
		});
	}

	@Test
	void reconnectBackOffIsCappedUnlessSwitchedOff() {
		this.runner.run((context) -> assertThat(
				context.getBean(ClientResources.class).reconnectDelay().createDelay(20))
			.isLessThanOrEqualTo(Duration.ofSeconds(2)));
		this.runner.withPropertyValues("redis.patterns.cap-reconnect-delay=false")
			.run((context) -> assertThat(context.getBean(ClientResources.class).reconnectDelay().createDelay(20))
				.as("Lettuce's own back-off").hasSeconds(30));
	}

	@Test
	void needsASingleConnectionFactoryOrAPrimaryOne() {
		ApplicationContextRunner twoFactories = this.runner.withUserConfiguration(TwoConnectionFactories.class);
		twoFactories.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisConnector.class));
		twoFactories.withUserConfiguration(PrimaryConnectionFactory.class).run((context) -> {
			assertThat(context).hasSingleBean(RedisConnector.class);
			assertThat(context.getBean(RedisConnector.class).connectionFactory())
				.isSameAs(context.getBean("primaryConnectionFactory"));
		});
	}

	/** Boot's cluster settings towards an address nothing listens on: the options are built, nothing connects. */
	private ApplicationContextRunner clusterRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisPatternsAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:1");
	}

	private static ClusterTopologyRefreshOptions appliedClusterRefresh(
			org.springframework.context.ApplicationContext context) {
		ClientOptions options = context.getBean(LettuceConnectionFactory.class)
			.getClientConfiguration()
			.getClientOptions()
			.orElseThrow();
		return ((ClusterClientOptions) options).getTopologyRefreshOptions();
	}

	private static ClusterTopologyRefreshOptions clusterRefresh(
			org.springframework.context.ApplicationContext context) {
		ClusterClientOptions.Builder builder = ClusterClientOptions.builder();
		context.getBean(LettuceClientOptionsBuilderCustomizer.class).customize(builder);
		return builder.build().getTopologyRefreshOptions();
	}

	@Test
	void lettuceConnectionFactoryIsReused() {
		this.runner.run((context) -> assertThat(context.getBean(RedisConnector.class).connectionFactory())
			.isSameAs(context.getBean(LettuceConnectionFactory.class)));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserLettuceCustomizers {

		@Bean
		LettuceClientOptionsBuilderCustomizer slowerAdaptiveRefresh() {
			return (builder) -> {
				((ClusterClientOptions.Builder) builder).topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
					.enableAllAdaptiveRefreshTriggers()
					.adaptiveRefreshTriggersTimeout(Duration.ofSeconds(10))
					.build());
			};
		}

		@Bean
		ClientResourcesBuilderCustomizer constantReconnectDelay() {
			return (builder) -> builder.reconnectDelay(Delay.constant(Duration.ofSeconds(7)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoConnectionFactories {

		@Bean
		LettuceConnectionFactory firstConnectionFactory() {
			return new LettuceConnectionFactory();
		}

		@Bean
		LettuceConnectionFactory secondConnectionFactory() {
			return new LettuceConnectionFactory();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimaryConnectionFactory {

		@Bean
		@Primary
		LettuceConnectionFactory primaryConnectionFactory(Environment environment) {
			return new LettuceConnectionFactory(environment.getProperty("spring.data.redis.host"),
					environment.getProperty("spring.data.redis.port", Integer.class));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomKeys {

		@Bean
		RedisKeys customKeys() {
			return new RedisKeys("custom");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = AppValue.class)
	static class AppPackage {

	}

	@Configuration(proxyBeanMethods = false)
	static class CodecCustomizerConfiguration {

		volatile boolean applied;

		@Bean
		ValueCodecCustomizer markingCustomizer() {
			return (builder) -> this.applied = true;
		}

	}

}
