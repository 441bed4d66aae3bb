package dev.redispatterns.ratelimit.web.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Finds the client address of a request without letting the client choose it. The forwarded-for header
 * is believed only when the connection comes from a trusted proxy, and then only as far as trusted
 * proxies vouch for it: the list is walked from the right (the entry the nearest proxy appended) and the
 * first address that is not a trusted proxy is the client. Whatever a client writes into the header
 * itself sits left of that and is never reached. Addresses are parsed as literals only, never looked up.
 * <p>
 * An IPv6 client is keyed by its network ({@code 2001:db8:1:2:0:0:0:0/64} by default), not its address: one
 * host usually owns a whole /64 and could otherwise take a fresh address, and with it a fresh bucket, for
 * every request.
 */
public final class ClientAddressResolver {

	private final List<Cidr> trustedProxies;

	/** The IPv6 prefix length that default resolvers key clients by. */
	public static final int DEFAULT_IPV6_PREFIX_LENGTH = 64;

	private final String header;

	private final int ipv6PrefixLength;

	private ClientAddressResolver(List<Cidr> trustedProxies, String header, int ipv6PrefixLength) {
		this.trustedProxies = trustedProxies;
		this.header = header;
		this.ipv6PrefixLength = ipv6PrefixLength;
	}

	/**
	 * @param trustedProxies IP addresses or CIDR ranges such as {@code 10.0.0.0/8} or {@code fd00::/8}
	 * @param header the forwarded-for header, usually {@code X-Forwarded-For}
	 * @throws IllegalArgumentException naming an entry that is not an address or range
	 */
	public static ClientAddressResolver of(List<String> trustedProxies, String header) {
		return of(trustedProxies, header, DEFAULT_IPV6_PREFIX_LENGTH);
	}

	/**
	 * @param ipv6PrefixLength leading bits of an IPv6 client address that make its key (1 to 128; 128 keys
	 * every address alone)
	 * @throws IllegalArgumentException naming an entry that is not an address or range, or a prefix length
	 * outside 1..128
	 */
	public static ClientAddressResolver of(List<String> trustedProxies, String header, int ipv6PrefixLength) {
		if (ipv6PrefixLength < 1 || ipv6PrefixLength > 128) {
			throw new IllegalArgumentException("IPv6 prefix length must be 1 to 128, was " + ipv6PrefixLength);
		}
		List<Cidr> ranges = new ArrayList<>();
		for (String entry : trustedProxies) {
			ranges.add(Cidr.parse(entry));
		}
		return new ClientAddressResolver(List.copyOf(ranges), header, ipv6PrefixLength);
	}

	/** The forwarded-for header name. */
	public String header() {
		return this.header;
	}

	/**
	 * The client address, as a key: an IPv4 address, or an IPv6 network such as
	 * {@code 2001:db8:1:2:0:0:0:0/64}.
	 * @param remoteAddress the address of the connection's peer
	 * @param forwardedFor the values of the forwarded-for header in order (empty if absent)
	 */
	public String resolve(@Nullable String remoteAddress, List<String> forwardedFor) {
		if (remoteAddress == null || remoteAddress.isEmpty()) {
			return "unknown";
		}
		byte[] peer = parse(remoteAddress);
		if (peer == null) {
			return remoteAddress;
		}
		if (!isTrusted(peer) || forwardedFor.isEmpty()) {
			return key(peer);
		}
		byte[] client = peer;
		List<String> hops = new ArrayList<>();
		for (String value : forwardedFor) {
			for (String hop : value.split(",")) {
				hops.add(hop);
			}
		}
		for (int i = hops.size() - 1; i >= 0; i--) {
			byte[] hop = parse(hops.get(i));
			if (hop == null) {
				// garbage a trusted proxy passed on: the last vouched-for address is all we know
				break;
			}
			client = hop;
			if (!isTrusted(hop)) {
				break;
			}
		}
		return key(client);
	}

	private String key(byte[] address) {
		if (address.length == 4 || this.ipv6PrefixLength == 128) {
			return format(address);
		}
		byte[] network = address.clone();
		for (int bit = this.ipv6PrefixLength; bit < 128; bit++) {
			network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
		}
		return format(network) + "/" + this.ipv6PrefixLength;
	}

	private boolean isTrusted(byte[] address) {
		for (Cidr range : this.trustedProxies) {
			if (range.contains(address)) {
				return true;
			}
		}
		return false;
	}

	private static String format(byte[] address) {
		try {
			return InetAddress.getByAddress(address).getHostAddress();
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The bytes of an IPv4 or IPv6 literal (brackets, ports and zones tolerated), or {@code null}. */
	static byte @Nullable [] parse(String text) {
		String value = text.trim();
		if (value.isEmpty()) {
			return null;
		}
		if (value.startsWith("[")) {
			int end = value.indexOf(']');
			if (end < 0) {
				return null;
			}
			value = value.substring(1, end);
		}
		else if (value.indexOf(':') >= 0 && value.indexOf(':') == value.lastIndexOf(':') && value.indexOf('.') > 0) {
			// IPv4 with a port
			value = value.substring(0, value.indexOf(':'));
		}
		int zone = value.indexOf('%');
		if (zone >= 0) {
			value = value.substring(0, zone);
		}
		if (value.indexOf(':') >= 0) {
			for (int i = 0; i < value.length(); i++) {
				char c = value.charAt(i);
				if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
					return null;
				}
			}
			try {
				return InetAddress.getByName(value).getAddress();
			}
			catch (UnknownHostException | IllegalArgumentException ex) {
				return null;
			}
		}
		String[] parts = value.split("\\.", -1);
		if (parts.length != 4) {
			return null;
		}
		byte[] bytes = new byte[4];
		for (int i = 0; i < 4; i++) {
			String part = parts[i];
			if (part.isEmpty() || part.length() > 3) {
				return null;
			}
			int octet = 0;
			for (int j = 0; j < part.length(); j++) {
				int digit = Character.digit(part.charAt(j), 10);
				if (digit < 0) {
					return null;
				}
				octet = octet * 10 + digit;
			}
			if (octet > 255) {
				return null;
			}
			bytes[i] = (byte) octet;
		}
		return bytes;
	}

	/** An address range. */
	record Cidr(byte[] network, int prefix) {

		static Cidr parse(String entry) {
			String text = entry.trim();
			int slash = text.indexOf('/');
			byte[] address = ClientAddressResolver.parse((slash >= 0) ? text.substring(0, slash) : text);
			if (address == null) {
				throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
			}
			int bits = address.length * 8;
			int prefix = bits;
			if (slash >= 0) {
				try {
					prefix = Integer.parseInt(text.substring(slash + 1));
				}
				catch (NumberFormatException ex) {
					throw new IllegalArgumentException("'" + entry + "' has an invalid prefix length", ex);
				}
				if (prefix < 0 || prefix > bits) {
					throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0.." + bits);
				}
			}
			return new Cidr(address, prefix);
		}

		boolean contains(byte[] address) {
			if (address.length != this.network.length) {
				return false;
			}
			int full = this.prefix / 8;
			for (int i = 0; i < full; i++) {
				if (address[i] != this.network[i]) {
					return false;
				}
			}
			int rest = this.prefix % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xFF << (8 - rest)) & 0xFF;
			return (address[full] & mask) == (this.network[full] & mask);
		}

	}

}
