package dev.redispatterns.autoconfigure;

import java.util.Map;

import org.slf4j.MDC;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;

/**
 * What an application declares to carry MDC into the task executors Boot and the starter use: the caller's
 * MDC is captured where a task is handed over and set, then cleared, where it runs.
 */
@Configuration(proxyBeanMethods = false)
public class MdcTaskDecoratorConfiguration {

	@Bean
	TaskDecorator mdcTaskDecorator() {
		return (task) -> {
			Map<String, String> captured = MDC.getCopyOfContextMap();
			return () -> {
				if (captured != null) {
					MDC.setContextMap(captured);
				}
				try {
					task.run();
				}
				finally {
					MDC.clear();
				}
			};
		};
	}

}
