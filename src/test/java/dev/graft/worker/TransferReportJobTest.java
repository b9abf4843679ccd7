package dev.graft.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;
import dev.graft.support.TrainedModels;

/**
 * A job with strategy "auto" and compare_baseline, run by a real worker from a pretrained
 * (fine-tuned) base: the pilots choose the strategy, and the transfer report reaches the job, its
 * events and the model.
 */
@GraftServerTest
@DirtiesContext
@TestPropertySource(properties = {"graft.mode=all", "graft.worker.processes=1", "graft.worker.jvm-options=-Xmx1g"})
class TransferReportJobTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ArtifactStore store;

    @Test
    void anAutoJobWithABaselineRecordsThePilotsAndTheTransferReport() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        ApiClient api = ApiClient.on(port);
        String base = new TrainedModels(jdbc, registry, store).tabular("source");
        String dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "blobs.csv", "text/csv", Fixtures.csv(new String[] {"a", "b", "c"}, 30))).json().get("id").asString();

        JsonNode created = api.post("/v1/fine_tuning/jobs", "application/json", ("{\"base_model\": \"" + base
                + "\", \"dataset\": \"" + dataset + "\", \"strategy\": \"auto\", \"compare_baseline\": true, \"seed\": 4,"
                + " \"hyperparameters\": {\"n_epochs\": 5, \"batch_size\": 8, \"learning_rate\": 0.01}}")
                .getBytes(StandardCharsets.UTF_8)).json();
        assertThat(created.get("compare_baseline").asBoolean()).isTrue();
        String id = created.get("id").asString();
        JsonNode job = await(api, id, Duration.ofMinutes(3));

        assertThat(job.get("status").asString()).as("%s", job).isEqualTo("succeeded");
        assertThat(job.get("strategy").asString()).isIn("feature_extraction", "partial");
        JsonNode report = job.get("transfer_report");
        assertThat(report.get("verdict").asString()).isIn("positive", "neutral", "negative");
        assertThat(report.get("scratch").get("base").asString()).isEqualTo("arch-mlp");
        assertThat(report.get("probe").get("strategy").asString()).isEqualTo("feature_extraction");
        assertThat(report.get("transfer").get("strategy").asString()).isEqualTo(job.get("strategy").asString());
        assertThat(report.get("gain_interval")).hasSize(2);
        assertThat(report.get("learning_curve").get("points")).hasSize(3);
        assertThat(report.get("overhead_seconds").asDouble()).isPositive();

        List<String> types = new ArrayList<>();
        api.get("/v1/fine_tuning/jobs/" + id + "/events?limit=100").json().get("data").forEach(e -> types.add(e.get("type").asString()));
        assertThat(types).containsSubsequence("started", "pilots_started", "strategy_selected", "epoch", "baseline_started",
                "transfer_report", "succeeded");

        JsonNode model = api.get("/v1/models/" + job.get("fine_tuned_model").asString()).json();
        assertThat(model.get("transfer_report").get("verdict")).isEqualTo(report.get("verdict"));
        assertThat(model.get("evaluation").get("strategy_selection").get("chosen").asString())
                .isEqualTo(job.get("strategy").asString());
        assertThat(model.get("evaluation").has("transfer_report")).isFalse();
        assertThat(model.get("evaluation").get("strategy_selection").get("pilots").get(0).get("strategy").asString())
                .isEqualTo("feature_extraction");
    }

    private static JsonNode await(ApiClient api, String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode job = api.get("/v1/fine_tuning/jobs/" + id).json();
            String status = job.get("status").asString();
            if (status.equals("succeeded") || status.equals("failed") || status.equals("cancelled") || System.nanoTime() > deadline) {
                return job;
            }
            FineTuningEndToEndTest.sleep(300);
        }
    }
}
