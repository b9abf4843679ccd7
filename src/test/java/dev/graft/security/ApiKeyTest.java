package dev.graft.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
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
import dev.graft.support.RawHttp;
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

    /**
     * The declared body is 50 MB but only 64 KB of it is ever sent: if anything parsed the upload
     * before the key was checked, the server would wait for the rest and no answer would come.
     */
    @Test
    void anUnauthenticatedUploadIsRefusedBeforeItsBodyIsRead() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000); // only stops a broken test from hanging
            String part = "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n"
                    + "Content-Type: text/csv\r\n\r\nf1,label\n";
            socket.getOutputStream().write(("POST /v1/datasets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: " + 50 * 1024 * 1024
                    + "\r\n\r\n" + part).getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write("1,a\n".repeat(16 * 1024).getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();

            RawHttp.Response head = RawHttp.head(socket.getInputStream());

            assertThat(head.status()).isEqualTo(401);
            assertThat(head.header("Content-Type")).isEqualTo("application/problem+json");
        }
    }

    @Test
    void actuatorEndpointsOtherThanHealthNeedTheAdminKey() {
        TestTenants.Tenant tenant = TestTenants.create(port, "ops");
        for (String path : List.of("/actuator/metrics", "/actuator/metrics/jvm.memory.used", "/actuator/info", "/actuator")) {
            ApiClient.Response anonymous = ApiClient.on(port).outsideContract().get(path);
            ApiClient.Response asTenant = tenant.api().outsideContract().get(path);
            ApiClient.Response asAdmin = admin().outsideContract().get(path);

            assertThat(anonymous.status()).as(path).isEqualTo(401);
            assertThat(anonymous.contentType()).as(path).isEqualTo("application/problem+json");
            assertThat(anonymous.header("WWW-Authenticate")).as(path).startsWith("Bearer");
            assertThat(anonymous.json().get("detail").asString()).as(path).contains("admin key");
            assertThat(asTenant.status()).as(path).isEqualTo(403);
            assertThat(asTenant.json().get("type").asString()).as(path).isEqualTo("/problems/forbidden");
            assertThat(asTenant.body()).as("%s shows a tenant nothing", path).doesNotContain("graft.jobs", "graft.inference");
            assertThat(asAdmin.status()).as(path).isEqualTo(200);
        }
        assertThat(admin().outsideContract().get("/actuator/metrics").body()).contains("graft.jobs");
        assertThat(ApiClient.on(port).get("/actuator/health").status()).isEqualTo(200);
        assertThat(ApiClient.on(port).outsideContract().get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(ApiClient.on(port).withKey("graft_sk_revokedLongAgo").get("/actuator/health").status())
                .as("health ignores a stale key").isEqualTo(200);
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
        ApiClient.Response tenantOnAdmin = tenant.api().unchecked().get("/v1/admin/tenants");
        assertThat(tenantOnAdmin.status()).isEqualTo(403);
        assertThat(tenantOnAdmin.json().get("detail").asString()).contains("admin key", "tenant's API key");
        ApiClient.Response noKeyOnAdmin = ApiClient.on(port).unchecked().get("/v1/admin/tenants");
        assertThat(noKeyOnAdmin.status()).isEqualTo(401);
        assertThat(noKeyOnAdmin.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"graft\"");
        ApiClient.Response adminOnTenantRoute = admin().unchecked().get("/v1/datasets");
        assertThat(adminOnTenantRoute.status()).isEqualTo(403);
        assertThat(adminOnTenantRoute.contentType()).isEqualTo("application/problem+json");
        assertThat(adminOnTenantRoute.json().get("detail").asString())
                .contains("This is the admin key; it works only on /v1/admin/");
        assertThat(adminOnTenantRoute.json().get("request_id").asString()).isEqualTo(adminOnTenantRoute.header("X-Request-Id"));
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
