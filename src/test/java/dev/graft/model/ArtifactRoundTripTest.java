package dev.graft.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.support.ApiClient;
import dev.graft.support.Await;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;

/**
 * A model leaves one Graft and comes back as a base, all over HTTP: fine-tune, download the
 * artifact exactly as served, import it with {@code POST /v1/models}, fine-tune from the import,
 * predict with the result.
 */
@GraftServerTest
// The worker child process would otherwise live on in the context cache and claim other classes' jobs.
@DirtiesContext
@TestPropertySource(properties = {"graft.mode=all", "graft.worker.processes=1", "graft.worker.jvm-options=-Xmx1g"})
class ArtifactRoundTripTest {

    private static final String TINY = "\"strategy\": \"full\", \"hyperparameters\": {\"n_epochs\": 2, \"batch_size\": 8, \"learning_rate\": 0.01}";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aDownloadedModelImportsAsABaseThatFineTunesAndPredicts() throws Exception {
        TestDatabase.cancelLeftoverJobs(jdbc);
        ApiClient api = ApiClient.on(port);
        String dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv").field("name", "roundtrip")
                .file("file", "blobs.csv", "text/csv", Fixtures.csv(new String[] {"a", "b", "c"}, 10))).json().get("id").asString();
        String first = fineTune(api, "arch-mlp", dataset, "export");

        byte[] zip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/models/" + first + "/artifact")).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        assertThat(entries(zip)).as("the download keeps its files under one folder")
                .allMatch(name -> name.startsWith(first.replace(':', '_') + "/"));
        String imported = "roundtrip-" + System.nanoTime();
        ApiClient.Response created = api.upload("/v1/models", Multipart.form()
                .file("file", "model.zip", "application/zip", zip)
                .file("descriptor", "descriptor.json", "application/json",
                        ("{\"format\": \"graft\", \"id\": \"" + imported + "\"}").getBytes(StandardCharsets.UTF_8)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("kind").asString()).isEqualTo("base");

        String second = fineTune(api, imported, dataset, "again");

        JsonNode model = api.get("/v1/models/" + second).json();
        assertThat(model.get("lineage").get("parent").asString()).isEqualTo(imported);
        JsonNode predictions = api.post("/v1/models/" + second + ":predict", "application/json",
                "{\"instances\": [[0.0, 0.0], [2.0, -2.0]]}".getBytes(StandardCharsets.UTF_8)).json().get("predictions");
        assertThat(predictions).hasSize(2);
        assertThat(predictions.get(0).get("label").asString()).isIn("a", "b", "c");
    }

    private String fineTune(ApiClient api, String base, String dataset, String suffix) {
        ApiClient.Response created = api.post("/v1/fine_tuning/jobs", "application/json", ("{\"base_model\": \"" + base
                + "\", \"dataset\": \"" + dataset + "\", \"suffix\": \"" + suffix + "\", \"seed\": 1, " + TINY + "}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        JsonNode done = Await.until("job " + id + " ends", Duration.ofSeconds(180), () -> api.get("/v1/fine_tuning/jobs/" + id).json(),
                job -> List.of("succeeded", "failed", "cancelled").contains(job.get("status").asString()));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("succeeded");
        return done.get("fine_tuned_model").asString();
    }

    private static List<String> entries(byte[] zip) throws Exception {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
