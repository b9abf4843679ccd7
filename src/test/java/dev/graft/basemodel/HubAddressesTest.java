package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import dev.graft.web.ApiProblem;

class HubAddressesTest {

    private static HubProperties properties(List<String> hosts, List<String> privateOk, String mirror) {
        return new HubProperties(hosts, privateOk, mirror == null ? null : URI.create(mirror), DataSize.ofMegabytes(1),
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), 5);
    }

    @Test
    void classifiesEveryNonPublicRangeAnSsrfCanAimAt() throws UnknownHostException {
        for (String address : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
                "100.64.0.1", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1")) {
            assertThat(HubAddresses.privateKind(InetAddress.getByName(address))).as(address).isNotNull();
        }
        for (String address : List.of("8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "100.128.0.1")) {
            assertThat(HubAddresses.privateKind(InetAddress.getByName(address))).as(address).isNull();
        }
    }

    @Test
    void refusesOtherSchemesUserInfoAndHostsNotListed() {
        HubAddresses rules = new HubAddresses(properties(List.of("models.example.org"), List.of(), null));

        for (String url : List.of("file:///etc/passwd", "ftp://models.example.org/x.pt", "http://user@models.example.org/x.pt",
                "https://evil.example.org/x.pt")) {
            assertThatThrownBy(() -> rules.target(URI.create(url))).as(url).isInstanceOf(ApiProblem.class);
        }
        assertThat(rules.target(URI.create("https://MODELS.example.org/x.pt"))).hasHost("MODELS.example.org");
    }

    @Test
    void aListedHostThatResolvesInsideTheNetworkIsStillRefused() {
        HubAddresses rules = new HubAddresses(properties(List.of("127.0.0.1"), List.of(), null));

        assertThatThrownBy(() -> rules.check(URI.create("http://127.0.0.1/x.pt"), false)).isInstanceOf(ApiProblem.class)
                .hasMessageContaining("loopback");
        new HubAddresses(properties(List.of("127.0.0.1"), List.of("127.0.0.1"), null))
                .check(URI.create("http://127.0.0.1/x.pt"), false);
    }

    @Test
    void aMirrorTakesTheHubsPathAndIsTrustedAsConfigured() {
        HubAddresses rules = new HubAddresses(properties(List.of("models.example.org"), List.of(),
                "http://10.0.0.5:8081/hub/"));

        URI target = rules.target(URI.create("https://models.example.org/backbones/a.pt?v=2"));

        assertThat(target).isEqualTo(URI.create("http://10.0.0.5:8081/hub/backbones/a.pt?v=2"));
        rules.check(target, false); // a private address, but the operator's own mirror
        assertThatThrownBy(() -> rules.target(URI.create("https://elsewhere.example.org/a.pt")))
                .isInstanceOf(ApiProblem.class);
    }

    @Test
    void aPartialDownloadBelongsToOneTenantAndOneSource() {
        String sha = "a".repeat(64);
        URI url = URI.create("https://models.example.org/a.pt");

        String name = HubDownload.partName("tenant_a", url, sha);

        assertThat(name).startsWith(sha + "-").endsWith(".part");
        assertThat(HubDownload.partName("tenant_a", url, sha)).isEqualTo(name);
        assertThat(HubDownload.partName("tenant_b", url, sha)).isNotEqualTo(name);
        assertThat(HubDownload.partName("tenant_a", URI.create("https://models.example.org/b.pt"), sha)).isNotEqualTo(name);
    }
}
