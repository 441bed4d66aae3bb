package dev.redispatterns.consistency.app;

import java.time.Duration;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.redispatterns.ratelimit.RateLimitPolicy;
import dev.redispatterns.ratelimit.RateLimiter;

/** One rate-limit decision through the {@code RateLimiter} bean; answers the outcome's name. */
@RestController
public class RateLimitController {

	private final RateLimiter rateLimiter;

	private final Broken broken;

	private final StringRedisTemplate redis;

	public RateLimitController(RateLimiter rateLimiter, Broken broken, StringRedisTemplate redis) {
		this.rateLimiter = rateLimiter;
		this.broken = broken;
		this.redis = redis;
	}

	@PostMapping("/rl")
	public String decide(@RequestParam String policy, @RequestParam String key) {
		if (this.broken.enabled() && "fw".equals(policy)) {
			return clientClockWindow(this.rateLimiter.policy(policy), key);
		}
		return this.rateLimiter.tryAcquire(policy, key, 1).outcome().name();
	}

	/** Broken: a fixed window counted per window index of this JVM's (skewed) clock, not Redis time. */
	private String clientClockWindow(RateLimitPolicy policy, String key) {
		long window = policy.window().toMillis();
		long index = (System.currentTimeMillis() + this.broken.clockSkewMillis()) / window;
		String bucket = "broken:fw:" + key + ":" + index;
		Long count = this.redis.opsForValue().increment(bucket);
		this.redis.expire(bucket, Duration.ofMillis(window * 3));
		return (count != null && count <= policy.limit()) ? "ALLOWED" : "REJECTED";
	}

}
