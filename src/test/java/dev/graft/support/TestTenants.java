package dev.graft.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/** Tenants and keys for tests that run with an admin key (not in open mode). */
public final class TestTenants {

    /** Set with {@code @TestPropertySource(properties = TestTenants.ADMIN_KEY_PROPERTY)}. */
    public static final String ADMIN_KEY = "test-admin-key-4f1c0d9e7b2a48c6a1f3e5d7c9b0a2e4";
    public static final String ADMIN_KEY_PROPERTY = "graft.security.admin-key=" + ADMIN_KEY;

    private TestTenants() {
    }

    /** A new tenant with one key: its id and a client that sends the key. */
    public record Tenant(String id, String key, ApiClient api) {
    }

    public static Tenant create(int port, String namePrefix) {
        ApiClient admin = ApiClient.on(port).withKey(ADMIN_KEY);
        ApiClient.Response tenant = admin.post("/v1/admin/tenants", "application/json",
                ("{\"name\": \"" + namePrefix + "-" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(tenant.status()).as(tenant.toString()).isEqualTo(201);
        String id = tenant.json().get("id").asString();
        ApiClient.Response key = admin.post("/v1/admin/tenants/" + id + "/keys", "application/json",
                "{\"name\": \"test\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(key.status()).as(key.toString()).isEqualTo(201);
        JsonNode body = key.json();
        return new Tenant(id, body.get("key").asString(), ApiClient.on(port).withKey(body.get("key").asString()));
    }
}
