package dev.redispatterns.consistency.app;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Answers once the context (listeners, caches, session repository) has started. */
@RestController
public class ReadyController {

	@GetMapping("/ready")
	public String ready() {
		return "ok";
	}

}
