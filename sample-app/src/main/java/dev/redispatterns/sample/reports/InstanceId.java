package dev.redispatterns.sample.reports;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Names this instance (host and HTTP port) in reports and on the dashboard, so a person running two
 * instances sees which one did what.
 */
@Component
public class InstanceId {

	private volatile String id;

	InstanceId() {
		this.id = host() + ":" + ProcessHandle.current().pid();
	}

	@EventListener
	void onWebServer(WebServerInitializedEvent event) {
		this.id = host() + ":" + event.getWebServer().getPort();
	}

	public String id() {
		return this.id;
	}

	private static String host() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}
