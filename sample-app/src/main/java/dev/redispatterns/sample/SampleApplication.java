package dev.redispatterns.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A small shop that uses every pattern of the starter: a relational database is the source of truth,
 * Redis caches, limits, locks, carries sessions, events and notifications, and keeps the leaderboard.
 */
@SpringBootApplication
@EnableCaching
@EnableScheduling
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
