package dev.graft.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;

/**
 * Train over HTTP with a real worker process, then serve: predictions on the validation split
 * reproduce the accuracy the job's evaluation reported, and the model can start a later job.
 */
@GraftServerTest
@DirtiesContext
@TestPropertySource(properties = {"graft.mode=all", "graft.worker.processes=1", "graft.worker.jvm-options=-Xmx1g"})
class PredictionEndToEndTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    ApiClient api;

    @BeforeEach
    void setUp() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
    }

    @Test
    void predictionsOnTheValidationSplitAgreeWithTheEvaluatedAccuracy() {
        byte[] csv = Fixtures.csv(new String[] {"a", "b", "c"}, 40);
        String dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "blobs.csv", "text/csv", csv)).json().get("id").asString();
        String model = train("arch-mlp", dataset, "serve");

        JsonNode view = api.get("/v1/models/" + model).json();
        JsonNode validation = api.get("/v1/datasets/" + dataset + "/split").json().get("validation");
        String[] lines = new String(csv, StandardCharsets.UTF_8).split("\n");
        StringBuilder instances = new StringBuilder("{\"instances\": [");
        for (int i = 0; i < validation.size(); i++) {
            String[] cells = lines[Integer.parseInt(validation.get(i).get("location").asString()) - 1].split(",");
            instances.append(i == 0 ? "" : ", ").append('[').append(cells[0]).append(", ").append(cells[1]).append(']');
        }
        JsonNode predictions = api.post("/v1/models/" + model + ":predict", "application/json",
                instances.append("]}").toString().getBytes(StandardCharsets.UTF_8)).json().get("predictions");

        int correct = 0;
        for (int i = 0; i < validation.size(); i++) {
            if (predictions.get(i).get("label").asString().equals(validation.get(i).get("label").asString())) {
                correct++;
            }
        }
        double accuracy = (double) correct / validation.size();
        assertThat(accuracy).isCloseTo(view.get("evaluation").get("accuracy").asDouble(),
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(api.get("/v1/models/" + model).json().get("status").asString()).isEqualTo("loaded");

        String child = train(model, dataset, "again");
        assertThat(api.get("/v1/models/" + child).json().get("lineage").get("parent").asString()).isEqualTo(model);
    }

    private String train(String base, String dataset, String suffix) {
        ApiClient.Response created = api.post("/v1/fine_tuning/jobs", "application/json", ("{\"base_model\": \"" + base
                + "\", \"dataset\": \"" + dataset + "\", \"suffix\": \"" + suffix
                + "\", \"seed\": 3, \"strategy\": \"full\", \"hyperparameters\": {\"n_epochs\": 5, \"batch_size\": 8, \"learning_rate\": 0.01}}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asString();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode job;
        do {
            job = api.get("/v1/fine_tuning/jobs/" + id).json();
            if (job.get("status").asString().equals("succeeded")) {
                return job.get("fine_tuned_model").asString();
            }
            assertThat(job.get("status").asString()).isIn("queued", "running");
            sleep();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("Job did not succeed in time: " + job);
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
