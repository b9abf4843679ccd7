package dev.graft.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import dev.graft.storage.StorageProperties;
import dev.graft.support.ApiClient;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;

@GraftServerTest
@TestPropertySource(properties = "graft.datasets.max-upload-size=64KB")
class UploadSizeLimitTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    StorageProperties storage;

    @Test
    void rejectsAnOversizeUploadWith413AndStoresNothing() throws Exception {
        int rowsBefore = jdbc.queryForObject("select count(*) from datasets", Integer.class);

        ApiClient.Response response = ApiClient.on(port).upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "big.csv", "text/csv", new byte[200 * 1024]));

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().get("type").asString()).isEqualTo("/problems/payload-too-large");
        assertThat(response.json().get("errors").get(0).get("location").asString()).isEqualTo("file");
        assertThat(jdbc.queryForObject("select count(*) from datasets", Integer.class)).isEqualTo(rowsBefore);
        try (Stream<Path> files = Files.walk(storage.root())) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }
}
