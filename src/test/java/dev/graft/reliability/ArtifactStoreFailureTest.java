package dev.graft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.storage.StorageProperties;
import dev.graft.support.ApiClient;
import dev.graft.support.Await;
import dev.graft.support.GraftServerTest;
import dev.graft.support.JobArtifacts;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;
import dev.graft.support.WorkerProcess;
import dev.graft.training.Engines;

/**
 * The artifact store refusing a write while a job trains. The fault is real: the worker runs under
 * a file-size limit, so its first checkpoint is cut off mid-file with "File too large", as on a
 * full disk (tests may run as root, which a read-only directory would not stop). The job must end
 * with an error that says so, and leave neither a model nor a half-written file behind.
 */
@GraftServerTest
@TestPropertySource(properties = {"graft.jobs.lease-duration=3s", "graft.jobs.reaper-interval=500ms"})
class ArtifactStoreFailureTest {

    /** Features per row: enough that the network's weights (~68 KiB) do not fit under the limit. */
    private static final int FEATURES = 200;
    private static final int MAX_FILE_KIB = 40;

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    StorageProperties storage;

    ApiClient api;

    @BeforeEach
    void setUp() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
        // DJL unpacks libtorch into its cache on first use; the limited worker could not, so do it here.
        Engines.ensureStarted(Path.of("data"), 0);
    }

    @Test
    void aCheckpointCutOffByAFullDiskFailsTheJobClearlyAndLeavesNoPartialFiles() throws Exception {
        String dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "wide.csv", "text/csv", wideCsv())).json().get("id").asString();
        String job = createJob(dataset);

        JsonNode done;
        try (WorkerProcess worker = WorkerProcess.startWithFileSizeLimit("disk-full", storage.root(), MAX_FILE_KIB,
                "--graft.jobs.lease-duration=3s", "--graft.jobs.heartbeat-interval=500ms", "--graft.jobs.poll-interval=1s")) {
            done = Await.until("job " + job + " to end", Duration.ofSeconds(180), () -> api.get("/v1/fine_tuning/jobs/" + job).json(),
                    j -> List.of("succeeded", "failed", "cancelled").contains(j.get("status").asString()) || !worker.isAlive());
            assertThat(done.get("status").asString()).as("%s\nworker log:\n%s", done, worker.log()).isEqualTo("failed");
            // The half-written checkpoints and the attempts' model directories are gone.
            JobArtifacts.awaitNone(jdbc, storage.root(), job);
        }
        // Each attempt met the same full disk: retried, then failed for good, saying why.
        assertThat(done.get("attempts").asInt()).isEqualTo(done.get("max_attempts").asInt());
        assertThat(done.get("error").get("code").asString()).isEqualTo("storage_error");
        assertThat(done.get("error").get("message").asString()).contains("checkpoint").contains("File too large");
        JsonNode events = api.get("/v1/fine_tuning/jobs/" + job + "/events?limit=100").json().get("data");
        assertThat(events.toString()).contains("\"type\":\"retrying\"").contains("File too large");
        assertThat(done.get("fine_tuned_model").isNull()).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM fine_tuned_models WHERE job_id = :id").param("id", job)
                .query(Integer.class).single()).isZero();
    }

    private String createJob(String dataset) {
        String body = "{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\", \"seed\": 4,"
                + " \"strategy\": \"full\", \"hyperparameters\": {\"n_epochs\": 2, \"batch_size\": 8}}";
        ApiClient.Response created = api.post("/v1/fine_tuning/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    /** Three labels, ten rows each, {@value #FEATURES} numeric features. */
    private static byte[] wideCsv() {
        StringBuilder csv = new StringBuilder();
        for (int f = 0; f < FEATURES; f++) {
            csv.append("x").append(f).append(',');
        }
        csv.append("label\n");
        Random random = new Random(11);
        for (int i = 0; i < 30; i++) {
            for (int f = 0; f < FEATURES; f++) {
                csv.append(String.format(Locale.ROOT, "%.2f,", i % 3 + random.nextGaussian() * 0.1));
            }
            csv.append("abc".charAt(i % 3)).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }
}
