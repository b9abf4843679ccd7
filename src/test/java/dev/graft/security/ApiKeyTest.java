package dev.graft.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.support.ApiClient;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestTenants;

/** Keys: required, shown once, stored as a hash, revocable; the admin API takes only the admin key. */
@GraftServerTest
@TestPropertySource(properties = TestTenants.ADMIN_KEY_PROPERTY)
class ApiKeyTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @Test
    void everyApiRequestNeedsALiveKey() {
        ApiClient anonymous = ApiClient.on(port).unchecked();
        for (String path : List.of("/v1/datasets", "/v1/fine_tuning/jobs", "/v1/models", "/v1/models/arch-mlp")) {
            ApiClient.Response r = anonymous.get(path);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.contentType()).isEqualTo("application/problem+json");
            assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(r.json().get("detail").asString()).contains("Authorization: Bearer");
            assertThat(r.json().get("request_id").asString()).isNotBlank();
        }
        ApiClient.Response wrong = anonymous.withKey("graft_sk_notAKeyAtAll").get("/v1/datasets");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("detail").asString()).contains("not valid");
        // The health probe stays open: load balancers send no key.
        assertThat(ApiClient.on(port).get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void anUnauthenticatedUploadIsRefusedAndNothingIsStored() {
        long before = jdbc.sql("SELECT count(*) FROM datasets").query(Long.class).single();
        ApiClient.Response r = ApiClient.on(port).unchecked().upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "x.csv", "text/csv", "f1,label\n1,a\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.status()).isEqualTo(401);
        assertThat(jdbc.sql("SELECT count(*) FROM datasets").query(Long.class).single()).isEqualTo(before);
    }

    @Test
    void aKeyIsShownOnceAndStoredOnlyAsItsHash() {
        TestTenants.Tenant tenant = TestTenants.create(port, "hash");
        assertThat(tenant.key()).startsWith("graft_sk_").hasSizeGreaterThan(40);

        Map<String, Object> row = jdbc.sql("SELECT * FROM api_keys WHERE tenant_id = :t").param("t", tenant.id())
                .query().singleRow();
        assertThat(row.values()).noneMatch(v -> v != null && v.toString().contains(tenant.key().substring(9)));
        assertThat(row.get("hash")).isEqualTo(dev.graft.web.Hashes.sha256(tenant.key()));

        JsonNode listed = admin().get("/v1/admin/tenants/" + tenant.id() + "/keys").json().get("data");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("key").isNull()).isTrue();
        assertThat(listed.get(0).get("prefix").asString()).isEqualTo(tenant.key().substring(0, 13));
        assertThat(tenant.api().get("/v1/datasets").status()).isEqualTo(200);
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceWhileTheTenantsOtherKeysWork() {
        TestTenants.Tenant tenant = TestTenants.create(port, "revoke");
        JsonNode second = admin().post("/v1/admin/tenants/" + tenant.id() + "/keys", "application/json",
                "{}".getBytes(StandardCharsets.UTF_8)).json();
        String keyId = admin().get("/v1/admin/tenants/" + tenant.id() + "/keys").json().get("data").get(0).get("id").asString();

        ApiClient.Response revoked = admin().delete("/v1/admin/keys/" + keyId);

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("revoked_at").isNull()).isFalse();
        assertThat(tenant.api().unchecked().get("/v1/datasets").status()).isEqualTo(401);
        assertThat(ApiClient.on(port).withKey(second.get("key").asString()).get("/v1/datasets").status()).isEqualTo(200);
        assertThat(admin().delete("/v1/admin/keys/" + keyId).status()).as("revoking twice is harmless").isEqualTo(200);
        assertThat(admin().delete("/v1/admin/keys/key_000000000000000000000000").status()).isEqualTo(404);
    }

    @Test
    void theAdminApiTakesOnlyTheAdminKeyAndTenantRoutesNotTheAdminKey() {
        TestTenants.Tenant tenant = TestTenants.create(port, "roles");
        assertThat(tenant.api().unchecked().get("/v1/admin/tenants").status()).isEqualTo(401);
        assertThat(ApiClient.on(port).unchecked().get("/v1/admin/tenants").status()).isEqualTo(401);
        assertThat(admin().unchecked().get("/v1/datasets").status()).isEqualTo(401);
        assertThat(admin().get("/v1/admin/tenants/" + tenant.id()).json().get("id").asString()).isEqualTo(tenant.id());
        assertThat(admin().get("/v1/admin/tenants/tenant_000000000000000000000000").status()).isEqualTo(404);
        assertThat(admin().get("/v1/admin/tenants?limit=100").json().get("data").toString()).contains(tenant.id());
    }

    @Test
    void adminBodiesAreValidated() {
        ApiClient.Response noName = admin().unchecked().post("/v1/admin/tenants", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        ApiClient.Response unknown = admin().unchecked().post("/v1/admin/tenants", "application/json",
                "{\"name\": \"x\", \"plan\": \"gold\"}".getBytes(StandardCharsets.UTF_8));
        String name = "dup-" + System.nanoTime();
        admin().post("/v1/admin/tenants", "application/json", ("{\"name\": \"" + name + "\"}").getBytes(StandardCharsets.UTF_8));
        ApiClient.Response duplicate = admin().post("/v1/admin/tenants", "application/json",
                ("{\"name\": \"" + name + "\"}").getBytes(StandardCharsets.UTF_8));

        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.json().get("detail").asString()).contains("/name", "required");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("detail").asString()).contains("/plan");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().get("detail").asString()).contains(name);
    }

    private ApiClient admin() {
        return ApiClient.on(port).withKey(TestTenants.ADMIN_KEY);
    }
}
