package dev.graft.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import dev.graft.storage.StorageProperties;
import dev.graft.support.GraftServerTest;
import dev.graft.support.RawHttp;
import dev.graft.support.StoredState;
import dev.graft.support.TestTenants;

/**
 * With keys on, a tenant's key reaches no admin handler however the admin path is spelled: it can
 * neither list tenants nor make one nor mint a key for another tenant. And a path the web server
 * or the firewall refuses is still a problem with a request id, not an HTML page.
 */
@GraftServerTest
@TestPropertySource(properties = TestTenants.ADMIN_KEY_PROPERTY)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityPathBadInputTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    StorageProperties storage;

    TestTenants.Tenant alice;
    TestTenants.Tenant bob;

    @BeforeAll
    void tenants() {
        alice = TestTenants.create(port, "alice");
        bob = TestTenants.create(port, "bob");
    }

    Stream<AdminPathSpellings.Spelling> spellings() {
        return AdminPathSpellings.spellings();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spellings")
    void aTenantKeyReachesNoAdminHandlerHoweverThePathIsSpelled(AdminPathSpellings.Spelling spelling) {
        StoredState before = state();

        RawHttp.Response list = asAlice("GET", spelling.path(port, "tenants"), null);
        RawHttp.Response tenant = asAlice("POST", spelling.path(port, "tenants"), "{\"name\": \"made-by-alice\"}");
        RawHttp.Response key = asAlice("POST", spelling.path(port, "tenants/" + bob.id() + "/keys"), "{\"name\": \"alice-was-here\"}");

        assertThat(list.status()).as("GET %s -> %s", spelling, list).isEqualTo(spelling.withTenantKey());
        AdminPathSpellings.assertProblem("GET " + spelling, list);
        assertThat(list.body()).as("the tenant list").doesNotContain(bob.id());
        AdminPathSpellings.assertProblem("POST a tenant " + spelling, tenant);
        AdminPathSpellings.assertProblem("POST a key for bob " + spelling, key);
        assertThat(state()).as("no tenant or key made").isEqualTo(before);
    }

    @Test
    void thePlainPathsStillWorkForTheKeysTheyAreFor() {
        RawHttp.Response admin = RawHttp.send(port, "GET", "/v1/admin/tenants?limit=100", null,
                "Authorization", "Bearer " + TestTenants.ADMIN_KEY);
        RawHttp.Response encodedTenantRoute = asAlice("GET", "/v1/%64atasets", null);

        assertThat(admin.status()).as(admin.toString()).isEqualTo(200);
        assertThat(admin.body()).contains(alice.id(), bob.id());
        assertThat(encodedTenantRoute.status()).as("a tenant route is decoded the same way: %s", encodedTenantRoute)
                .isEqualTo(200);
    }

    @Test
    void nothingIsServedOutsideV1AndTheActuatorWhoeverAsks() {
        for (String path : new String[] {"/", "/v2/datasets", "/V1/datasets", "/error", "/admin/tenants"}) {
            for (String key : new String[] {null, alice.key(), TestTenants.ADMIN_KEY, "graft_sk_notAKey"}) {
                RawHttp.Response response = key == null ? RawHttp.send(port, "GET", path, null)
                        : RawHttp.send(port, "GET", path, null, "Authorization", "Bearer " + key);
                assertThat(response.status()).as("%s with %s -> %s", path, key, response).isEqualTo(404);
                AdminPathSpellings.assertProblem(path, response);
            }
        }
    }

    Stream<String> malformedPaths() {
        return Stream.of("/v1/datasets/..%2f..%2fetc", "/v1/datasets/..%2F..%2Fetc%2Fpasswd", "/v1/datasets/<id>",
                "/v1/datasets/{id}", "/v1/models/{model}:predict", "/v1/fine_tuning/jobs/<job-id>/events",
                "/v1/datasets/a|b", "/v1/datasets/..;/..;/etc", "/v1/datasets/%2e%2e/%2e%2e/etc", "/v1/datasets/%",
                "/v1/datasets/%zz");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPaths")
    void aMalformedPathIsRefusedAsAProblemWithOrWithoutAKey(String path) {
        StoredState before = state();

        AdminPathSpellings.assertProblem("no key: " + path, RawHttp.send(port, "GET", path, null));
        RawHttp.Response withKey = asAlice("GET", path, null);

        AdminPathSpellings.assertProblem("alice's key: " + path, withKey);
        assertThat(withKey.status()).as("%s -> %s", path, withKey).isEqualTo(400);
        assertThat(withKey.json().path("detail").asString()).as("%s: detail", path).containsAnyOf("path", "request line");
        assertThat(state()).isEqualTo(before);
    }

    private RawHttp.Response asAlice(String method, String path, String json) {
        return json == null ? RawHttp.send(port, method, path, null, "Authorization", "Bearer " + alice.key())
                : RawHttp.send(port, method, path, json.getBytes(StandardCharsets.UTF_8), "Authorization",
                        "Bearer " + alice.key(), "Content-Type", "application/json");
    }

    private StoredState state() {
        return StoredState.read(jdbc, storage.root());
    }
}
