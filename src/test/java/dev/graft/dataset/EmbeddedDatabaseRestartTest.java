package dev.graft.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.graft.GraftApplication;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.Multipart;

/**
 * The zero-setup mode of {@code ./mvnw spring-boot:run}: no database configured, so Graft starts its
 * embedded PostgreSQL. A dataset and its split must survive a full restart of the service.
 */
class EmbeddedDatabaseRestartTest {

    @TempDir
    Path data;

    @Test
    void keepsDatasetsAndTheirSplitAcrossRestartsOfTheEmbeddedDatabase() {
        String id;
        JsonNode dataset;
        JsonNode split;
        try (ConfigurableApplicationContext first = start()) {
            ApiClient api = ApiClient.on(port(first));
            dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                    .file("file", "r.csv", "text/csv", Fixtures.csv(new String[] {"a", "b", "c"}, 8))).json();
            id = dataset.get("id").asString();
            split = api.get("/v1/datasets/" + id + "/split").json();
        }
        try (ConfigurableApplicationContext second = start()) {
            ApiClient api = ApiClient.on(port(second));
            assertThat(api.get("/v1/datasets/" + id).json()).isEqualTo(dataset);
            assertThat(api.get("/v1/datasets/" + id + "/split").json()).isEqualTo(split);
            assertThat(api.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
        }
    }

    private ConfigurableApplicationContext start() {
        return SpringApplication.run(GraftApplication.class,
                "--server.port=0",
                "--graft.mode=api",
                "--spring.datasource.url=",
                "--graft.database.url=",
                "--graft.database.embedded.data-directory=" + data.resolve("postgres"),
                "--graft.storage.root=" + data.resolve("artifacts"));
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
