package dev.graft.basemodel;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Imports from a URL ({@code graft.hub.*}): a server-side fetch the caller aims, so every rule
 * here is about what the server may be made to reach. Set by the operator only (configuration,
 * not the API).
 *
 * @param allowedHosts            host names a URL (and every redirect) may name; empty turns URL
 *                                imports off
 * @param allowPrivateAddresses   literal IP addresses that may be reached although loopback,
 *                                private or link-local (every other such address is refused, so a
 *                                public name that resolves inside the network cannot be used)
 * @param mirrorUrl               an internal mirror of the hubs' URL layout: a URL's scheme, host
 *                                and port are replaced by this one (path and query kept); it is
 *                                trusted as configured, private address included
 * @param maxDownloadSize         the largest file fetched, like {@code graft.datasets.max-upload-size}
 *                                for uploads
 * @param connectTimeout          to open a connection
 * @param readTimeout             to wait for the response headers, and then for each chunk of the body
 * @param maxRedirects            redirects followed, each checked like the first URL
 */
@Validated
@ConfigurationProperties("graft.hub")
public record HubProperties(
        @DefaultValue List<String> allowedHosts,
        @DefaultValue List<String> allowPrivateAddresses,
        URI mirrorUrl,
        @DefaultValue("2GB") DataSize maxDownloadSize,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("30s") Duration readTimeout,
        @DefaultValue("5") @Min(0) int maxRedirects) {
}
