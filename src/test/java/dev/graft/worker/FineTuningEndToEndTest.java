package dev.graft.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeEach;
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
 * The whole path in the default {@code all} mode: the API process supervises a real child worker
 * process, which claims the job, trains it with DJL, and registers the model.
 */
@GraftServerTest
// Closing the context after this class stops its worker process, which would otherwise live on in
// the context cache and claim other test classes' jobs.
@DirtiesContext
@TestPropertySource(properties = {"graft.mode=all", "graft.worker.processes=1", "graft.worker.jvm-options=-Xmx1g"})
class FineTuningEndToEndTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    ApiClient api;
    String dataset;

    @BeforeEach
    void setUp() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
        dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv").field("name", "blobs")
                .file("file", "blobs.csv", "text/csv", Fixtures.csv(new String[] {"a", "b", "c"}, 40))).json().get("id").asString();
    }

    @Test
    void aJobFollowedOverServerSentEventsSucceedsWithAModel() {
        JsonNode job = create("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset
                + "\", \"suffix\": \"e2e\", \"seed\": 3, \"strategy\": \"full\", \"hyperparameters\": {\"n_epochs\": 5, \"batch_size\": 8, \"learning_rate\": 0.01}}");
        String id = job.get("id").asString();

        ApiClient.Response stream = api.send("GET", "/v1/fine_tuning/jobs/" + id + "/events", null, null, "text/event-stream");

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.body()).contains("event:started").contains("event:epoch").contains("event:checkpoint")
                .contains("event:succeeded");
        JsonNode done = api.get("/v1/fine_tuning/jobs/" + id).json();
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
        String model = done.get("fine_tuned_model").asString();
        assertThat(model).matches("ft:arch-mlp:e2e:[0-9A-Za-z]{8}");
        assertThat(done.get("progress").get("epoch").asInt()).isEqualTo(5);
        // Three clusters 14 standard deviations apart are separated without a single mistake.
        assertThat(done.get("metrics").get("valid_accuracy").asDouble()).isEqualTo(1.0);
        assertThat(done.get("attempts").asInt()).isEqualTo(1);
        assertThat(api.get("/v1/fine_tuning/jobs/" + id + "/checkpoints").json().get("data")).hasSize(5);
        assertThat(jdbc.sql("SELECT count(*) FROM fine_tuned_models WHERE job_id = :id").param("id", id)
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(stream.body()).contains("\"device\":\"cpu\"");

        String results = "/v1/fine_tuning/jobs/" + id + "/results";
        assertThat(done.get("result_files").toString()).isEqualTo("[\"" + results + "\"]");
        assertThat(api.get("/v1/models/" + model).json().get("evaluation").get("result_files").toString())
                .isEqualTo("[\"" + results + "\"]");
        ApiClient.Response csv = api.send("GET", results, null, null, "text/csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Disposition")).contains(id + "-results.csv");
        String[] lines = csv.body().split("\n");
        assertThat(lines[0]).isEqualTo("epoch,step,train_loss,train_accuracy,valid_loss,valid_accuracy,seconds");
        assertThat(lines).hasSize(6);
        for (int epoch = 1; epoch <= 5; epoch++) {
            String[] cells = lines[epoch].split(",", -1);
            assertThat(cells).hasSize(7);
            assertThat(cells[0]).isEqualTo(String.valueOf(epoch));
            for (int c = 1; c < 7; c++) {
                assertThat(Double.parseDouble(cells[c])).as(lines[epoch]).isNotNegative();
            }
        }
        assertThat(Double.parseDouble(lines[5].split(",")[5])).isEqualTo(done.get("metrics").get("valid_accuracy").asDouble());
    }

    @Test
    void cancellingARunningJobStopsItWithoutAModel() {
        JsonNode job = create("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset
                + "\", \"strategy\": \"full\", \"hyperparameters\": {\"n_epochs\": 1000, \"batch_size\": 2, \"early_stopping_patience\": 0}}");
        String id = job.get("id").asString();
        await(id, j -> j.get("status").asString().equals("running") && !j.get("progress").isNull(), Duration.ofSeconds(90));

        ApiClient.Response cancel = api.post("/v1/fine_tuning/jobs/" + id + "/cancel", null, null);

        assertThat(cancel.json().get("cancel_requested").asBoolean()).isTrue();
        JsonNode done = await(id, j -> j.get("status").asString().equals("cancelled"), Duration.ofSeconds(20));
        assertThat(done.get("fine_tuned_model").isNull()).isTrue();
        assertThat(done.get("progress").get("epoch").asInt()).isLessThan(1000);
        assertThat(jdbc.sql("SELECT count(*) FROM fine_tuned_models WHERE job_id = :id").param("id", id)
                .query(Integer.class).single()).isZero();
        JsonNode events = api.get("/v1/fine_tuning/jobs/" + id + "/events?limit=100").json();
        assertThat(events.toString()).contains("cancel_requested").contains("\"type\":\"cancelled\"");
    }

    @Test
    void aJobPastItsMaxDurationFailsWithThatErrorAndNoModel() {
        JsonNode job = create("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset
                + "\", \"max_duration\": 3, \"hyperparameters\": {\"n_epochs\": 1000, \"batch_size\": 2, \"early_stopping_patience\": 0}}");
        String id = job.get("id").asString();

        JsonNode failed = await(id, j -> j.get("status").asString().equals("failed"), Duration.ofSeconds(120));

        assertThat(failed.get("error").get("code").asString()).isEqualTo("max_duration_exceeded");
        assertThat(failed.get("error").get("message").asString()).contains("max_duration of 3 seconds");
        assertThat(failed.get("fine_tuned_model").isNull()).isTrue();
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM fine_tuned_models WHERE job_id = :id").param("id", id)
                .query(Integer.class).single()).isZero();
    }

    @Test
    void queueMetricsCountTheJobsByStatus() {
        ApiClient.Response metric = api.outsideContract().get("/actuator/metrics/graft.jobs.queue.depth");
        assertThat(metric.status()).isEqualTo(200);
        List<String> statuses = new ArrayList<>();
        for (JsonNode tag : metric.json().get("availableTags")) {
            if (tag.get("tag").asString().equals("status")) {
                tag.get("values").forEach(v -> statuses.add(v.asString()));
            }
        }
        assertThat(statuses).containsExactlyInAnyOrder("queued", "running", "succeeded", "failed", "cancelled");

        // A job cancelled (queued or running, it cannot finish first): the cancelled gauge catches up with the table on its next refresh.
        String id = create("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset
                + "\", \"hyperparameters\": {\"n_epochs\": 1000, \"batch_size\": 2, \"early_stopping_patience\": 0}}").get("id").asString();
        api.post("/v1/fine_tuning/jobs/" + id + "/cancel", null, null);
        await(id, j -> j.get("status").asString().equals("cancelled"), Duration.ofSeconds(60));
        long cancelled = jdbc.sql("SELECT count(*) FROM fine_tuning_jobs WHERE status = 'cancelled'").query(Long.class).single();
        assertThat(cancelled).isPositive();
        Await.until("the cancelled gauge to count " + cancelled + " jobs", Duration.ofSeconds(30),
                () -> api.outsideContract().get("/actuator/metrics/graft.jobs.queue.depth?tag=status:cancelled").json()
                        .get("measurements").get(0).get("value").asDouble(),
                value -> value == cancelled);
    }

    private JsonNode create(String body) {
        ApiClient.Response created = api.post("/v1/fine_tuning/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    private JsonNode await(String id, Predicate<JsonNode> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job;
        do {
            job = api.get("/v1/fine_tuning/jobs/" + id).json();
            if (condition.test(job)) {
                return job;
            }
            sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("Job " + id + " did not reach the expected state in " + timeout + ": " + job);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
