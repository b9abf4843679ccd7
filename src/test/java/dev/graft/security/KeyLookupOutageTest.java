package dev.graft.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.graft.GraftApplication;
import dev.graft.support.ApiClient;
import dev.graft.support.TestTenants;

/**
 * A tenant key is looked up in the database before anything else happens; while the database is
 * down that lookup is answered 503 with Retry-After, as every other read is, not a 500 and not a
 * 401 that would tell a client its key is bad. (A server of its own, as the shared one cannot stop.)
 */
class KeyLookupOutageTest {

    @TempDir
    Path dir;

    @Test
    void aKeyThatCannotBeLookedUpIsAnsweredServiceUnavailable() throws Exception {
        int dbPort = freePort();
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("postgres")).setPort(dbPort).start();
        try (ConfigurableApplicationContext app = SpringApplication.run(GraftApplication.class, "--server.port=0",
                "--graft.mode=api", "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres?user=postgres",
                "--graft.storage.root=" + dir.resolve("artifacts"), "--" + TestTenants.ADMIN_KEY_PROPERTY)) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            TestTenants.Tenant tenant = TestTenants.create(port, "outage");
            assertThat(tenant.api().get("/v1/datasets").status()).isEqualTo(200);

            postgres.close();

            ApiClient.Response lookup = tenant.api().get("/v1/datasets");
            assertThat(lookup.status()).as(lookup.toString()).isEqualTo(503);
            assertThat(lookup.contentType()).isEqualTo("application/problem+json");
            assertThat(lookup.header("Retry-After")).isNotNull();
            assertThat(lookup.json().get("request_id").asString()).isEqualTo(lookup.header("X-Request-Id"));
            assertThat(ApiClient.on(port).unchecked().get("/v1/datasets").status()).as("no key needs no lookup").isEqualTo(401);
        }
        finally {
            postgres.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
