package dev.redispatterns.sample;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.redispatterns.core.RedisConnector;

/**
 * Tells which Redis the shop talks to.
 */
@RestController
class StatusController {

	private final RedisConnector connector;

	StatusController(RedisConnector connector) {
		this.connector = connector;
	}

	@GetMapping("/api/status")
	Map<String, Object> status() {
		return Map.of("redisConnected", this.connector.isConnected(), "topology", this.connector.topology().id());
	}

}
