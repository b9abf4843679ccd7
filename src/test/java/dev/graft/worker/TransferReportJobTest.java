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
 * (fine-tuned) base: the search chooses the configuration (its candidates, scores and choice on the
 * job, in events and in the model's evaluation), and the transfer report reaches the job, its events
 * and the model.
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
    void anAutoJobWithABaselineRecordsItsSearchAndTheTransferReport() {
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
        JsonNode job = await(api, id, Duration.ofMinutes(10));

        assertThat(job.get("status").asString()).as("%s", job).isEqualTo("succeeded");
        // The job shows what the search chose, with every hyperparameter resolved, and the search itself.
        JsonNode search = job.get("search");
        assertThat(search.get("status").asString()).isEqualTo("done");
        assertThat(search.get("evaluation").asString()).isEqualTo("cross_validation");
        String chosen = search.get("chosen").asString();
        JsonNode winner = null;
        for (JsonNode c : search.get("candidates")) {
            assertThat(c.get("cost").asDouble()).isPositive();
            JsonNode last = c.get("rungs").get(c.get("rungs").size() - 1);
            assertThat(last.get("mean").asDouble()).isBetween(0.0, 1.0);
            assertThat(last.get("sd").asDouble()).isGreaterThanOrEqualTo(0.0);
            assertThat(last.get("folds")).hasSize(3);
            assertThat(last.get("folds").get(0).has("predictions")).isFalse();
            if (c.get("name").asString().equals(chosen)) {
                winner = c;
            }
        }
        assertThat(winner).as("the chosen candidate is listed").isNotNull();
        assertThat(job.get("strategy").asString()).isEqualTo(winner.get("strategy").asString());
        assertThat(job.get("hyperparameters").get("learning_rate").asDouble()).isEqualTo(0.01);
        assertThat(job.get("hyperparameters").get("n_epochs").isInt()).isTrue();
        assertThat(search.get("given").get("learning_rate").asDouble()).isEqualTo(0.01);
        assertThat(search.get("candidates").toString()).contains("feature_extraction", "partial", "scratch arch-mlp", "scratch linear");
        assertThat(search.get("negative_transfer_avoided").isBoolean()).isTrue();
        JsonNode report = job.get("transfer_report");
        // The verdict is what the interval says: above zero positive, below negative, else neutral;
        // and the measured gain lies inside its own interval.
        double low = report.get("gain_interval").get(0).asDouble();
        double high = report.get("gain_interval").get(1).asDouble();
        assertThat(low).isLessThanOrEqualTo(high);
        assertThat(report.get("verdict").asString()).as("%s", report)
                .isEqualTo(low > 0 ? "positive" : high < 0 ? "negative" : "neutral");
        double gain = report.get("gain_points").asDouble();
        assertThat(gain).as("%s", report).isBetween(low, high);
        assertThat(report.get("scratch").get("base").asString()).isEqualTo("arch-mlp");
        assertThat(report.get("probe").get("strategy").asString()).isEqualTo("feature_extraction");
        assertThat(report.get("transfer").get("strategy").asString()).isEqualTo(job.get("strategy").asString());
        assertThat(report.get("gain_interval")).hasSize(2);
        assertThat(report.get("learning_curve").get("points")).hasSize(3);
        assertThat(report.get("overhead_seconds").asDouble()).isPositive();

        List<String> types = new ArrayList<>();
        api.get("/v1/fine_tuning/jobs/" + id + "/events?limit=100").json().get("data").forEach(e -> types.add(e.get("type").asString()));
        assertThat(types).containsSubsequence("started", "search_started", "search_candidate", "search_chosen", "refit_started",
                "epoch", "evaluated", "baseline_started", "transfer_report", "succeeded");

        JsonNode model = api.get("/v1/models/" + job.get("fine_tuned_model").asString()).json();
        assertThat(model.get("transfer_report").get("verdict")).isEqualTo(report.get("verdict"));
        assertThat(model.get("evaluation").get("search").get("chosen").asString()).isEqualTo(chosen);
        assertThat(model.get("evaluation").get("search").get("candidates")).hasSize(search.get("candidates").size());
        assertThat(model.get("evaluation").has("transfer_report")).isFalse();
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
