package dev.graft.basemodel;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;

/**
 * Which URLs a server-side fetch may reach (SSRF rules): http or https, a host the operator
 * allowed, and addresses that are all public unless listed in {@code allow-private-addresses}.
 * Checked before the first request and before each redirect is followed. The JDK client resolves
 * the name again when it connects; a name whose answer changes in between (DNS rebinding) is
 * outside what a check here can see, which is one reason only operator-listed hosts are reached.
 */
final class HubAddresses {

    private final List<String> allowedHosts;
    private final List<String> privateAllowed;
    private final URI mirror;

    HubAddresses(HubProperties properties) {
        this.allowedHosts = properties.allowedHosts().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.privateAllowed = properties.allowPrivateAddresses();
        this.mirror = properties.mirrorUrl();
    }

    /** The URL to fetch for the one requested: checked, then moved onto the mirror when one is set. */
    URI target(URI requested) {
        checkHost(requested);
        if (mirror == null) {
            return requested;
        }
        String base = mirror.toString().replaceAll("/+$", "");
        return URI.create(base + requested.getRawPath() + (requested.getRawQuery() == null ? "" : "?" + requested.getRawQuery()));
    }

    /** Refuses a URL (the first or a redirect's) the server must not fetch; 422 naming {@code url}. */
    void check(URI uri, boolean redirect) {
        String what = redirect ? "redirects to " + uri : "names " + uri;
        if (isMirror(uri)) {
            return; // configured by the operator, inside the network by design
        }
        checkHost(uri);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        }
        catch (UnknownHostException e) {
            throw refuse(what + ", whose host does not resolve");
        }
        for (InetAddress address : addresses) {
            String kind = privateKind(address);
            if (kind != null && !privateAllowed.contains(address.getHostAddress())) {
                throw refuse(what + ", which resolves to " + address.getHostAddress() + ", a " + kind
                        + " address; the server does not fetch from inside its network (graft.hub.allow-private-addresses)");
            }
        }
    }

    private void checkHost(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw refuse("must be an http or https URL");
        }
        String host = uri.getHost();
        if (host == null || uri.getRawUserInfo() != null) {
            throw refuse("must name a host, without user information");
        }
        if (isMirror(uri)) {
            return;
        }
        if (!allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
            throw refuse("names host '" + host + "', which is not one this server fetches from (graft.hub.allowed-hosts"
                    + (allowedHosts.isEmpty() ? " is empty: imports from a URL are off" : ": " + String.join(", ", allowedHosts))
                    + ")");
        }
    }

    private boolean isMirror(URI uri) {
        return mirror != null && mirror.getHost() != null && mirror.getHost().equalsIgnoreCase(uri.getHost())
                && mirror.getPort() == uri.getPort() && mirror.getScheme().equalsIgnoreCase(uri.getScheme());
    }

    /** Why the address is not public, or null when it is. */
    static String privateKind(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return "non-unicast";
        }
        byte[] b = a.getAddress();
        if (b.length == 4 && ((b[0] & 0xff) == 0 || ((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64))) {
            return "reserved"; // 0.0.0.0/8, carrier-grade NAT 100.64.0.0/10
        }
        if (b.length == 16 && (b[0] & 0xfe) == 0xfc) {
            return "private"; // IPv6 unique local fc00::/7
        }
        return null;
    }

    static ApiProblem refuse(String message) {
        return ApiProblem.unprocessable(List.of(new FieldError("url", message)));
    }
}
