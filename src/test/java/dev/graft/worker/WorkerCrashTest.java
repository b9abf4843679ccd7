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
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.storage.StorageProperties;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.JobArtifacts;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;
import dev.graft.support.WorkerProcess;

/**
 * Real worker processes, killed: with SIGKILL mid-training (the lease expires, the reaper
 * requeues the job, another worker resumes from the checkpoint), and with SIGTERM (graceful: the
 * job goes back to the queue at once). Either way the job ends with exactly one model, and the
 * artifact store holds only that model and the job's recorded checkpoints.
 */
@GraftServerTest
@TestPropertySource(properties = {"graft.jobs.lease-duration=3s", "graft.jobs.reaper-interval=500ms"})
class WorkerCrashTest {

    /** Short leases for the test's workers too. */
    static final String[] WORKER_ARGS = {"--graft.jobs.lease-duration=3s", "--graft.jobs.heartbeat-interval=500ms",
            "--graft.jobs.poll-interval=1s", "--graft.jobs.reaper-interval=500ms"};

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    StorageProperties storage;

    ApiClient api;
    String dataset;

    @BeforeEach
    void setUp() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
        dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "crash.csv", "text/csv", Fixtures.csv(new String[] {"a", "b", "c"}, 200))).json().get("id").asString();
    }

    @Test
    void aJobWhoseWorkerIsKilledResumesElsewhereFromItsCheckpoint() throws Exception {
        String id = createLongJob();
        JsonNode resumedFrom;
        try (WorkerProcess first = WorkerProcess.start("doomed", storage.root(), WORKER_ARGS)) {
            awaitJob(id, j -> checkpoints(id) >= 2, Duration.ofSeconds(120), first);
            first.kill();
        }
        try (WorkerProcess second = WorkerProcess.start("survivor", storage.root(), WORKER_ARGS)) {
            JsonNode done = awaitJob(id, j -> j.get("status").asString().equals("succeeded"), Duration.ofSeconds(180), second);
            assertThat(done.get("attempts").asInt()).isEqualTo(2);
            assertThat(done.get("fine_tuned_model").asString()).startsWith("ft:arch-mlp:");
            resumedFrom = event(id, "resumed");
            // The killed attempt cleaned up nothing: whatever it had started (its model directory, a
            // checkpoint half written or never recorded) must not outlive the job.
            JobArtifacts.awaitNone(jdbc, storage.root(), id);
        }
        List<String> types = eventTypes(id);
        assertThat(types).containsSubsequence("started", "epoch", "checkpoint", "worker_lost", "started", "resumed", "succeeded");
        assertThat(resumedFrom.get("data").get("epoch").asInt()).isGreaterThanOrEqualTo(2);
        // The resumed attempt did not start over: it ran fewer epochs than the job asked for.
        long epochsInSecondAttempt = types.subList(types.lastIndexOf("resumed"), types.size()).stream().filter("epoch"::equals).count();
        assertThat(epochsInSecondAttempt).isLessThanOrEqualTo(12 - resumedFrom.get("data").get("epoch").asInt());
        assertThat(jdbc.sql("SELECT count(*) FROM fine_tuned_models WHERE job_id = :id").param("id", id).query(Integer.class).single())
                .isEqualTo(1);
    }

    @Test
    void aJobWhoseWorkerIsKilledMidSearchResumesTheSearchWithoutRescoringFinishedFolds() throws Exception {
        String body = "{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\", \"seed\": 5,"
                + " \"hyperparameters\": {\"n_epochs\": 12, \"batch_size\": 2}}";
        ApiClient.Response created = api.post("/v1/fine_tuning/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asString();
        JsonNode before;
        try (WorkerProcess first = WorkerProcess.start("doomed-searcher", storage.root(), WORKER_ARGS)) {
            before = awaitJob(id, j -> scoredFolds(j) >= 2, Duration.ofSeconds(480), first).get("search");
            first.kill();
        }
        try (WorkerProcess second = WorkerProcess.start("search-survivor", storage.root(), WORKER_ARGS)) {
            JsonNode done = awaitJob(id, j -> j.get("status").asString().equals("succeeded"), Duration.ofSeconds(600), second);
            assertThat(done.get("attempts").asInt()).isEqualTo(2);
            JsonNode resumed = event(id, "search_resumed");
            assertThat(resumed.get("data").get("fold_runs_done").asInt()).isGreaterThanOrEqualTo(scoredFolds(before));
            // Every fold scored before the kill is in the final search as it was: taken over, not trained again.
            for (JsonNode candidate : before.get("candidates")) {
                for (JsonNode rung : candidate.get("rungs")) {
                    for (JsonNode fold : rung.get("folds")) {
                        assertThat(done.get("search").toString()).contains(fold.toString());
                    }
                }
            }
            assertThat(done.get("search").get("status").asString()).isEqualTo("done");
            JobArtifacts.awaitNone(jdbc, storage.root(), id);
        }
        assertThat(eventTypes(id)).containsSubsequence("search_started", "worker_lost", "search_resumed", "search_chosen",
                "refit_started", "succeeded").doesNotContain("failed");
    }

    private static int scoredFolds(JsonNode job) {
        JsonNode search = job.has("search") ? job.get("search") : job;
        int n = 0;
        if (search.has("candidates")) {
            for (JsonNode candidate : search.get("candidates")) {
                for (JsonNode rung : candidate.get("rungs")) {
                    n += rung.get("folds").size();
                }
            }
        }
        return n;
    }

    @Test
    void aWorkerStoppedGracefullyHandsItsJobBackAtOnce() throws Exception {
        String id = createLongJob();
        try (WorkerProcess first = WorkerProcess.start("leaving", storage.root(), WORKER_ARGS)) {
            awaitJob(id, j -> checkpoints(id) >= 1, Duration.ofSeconds(120), first);
            assertThat(first.terminate(60)).as("worker stopped within its stop timeout").isTrue();
        }
        JsonNode released = api.get("/v1/fine_tuning/jobs/" + id).json();
        assertThat(released.get("status").asString()).isEqualTo("queued");
        assertThat(eventTypes(id)).contains("interrupted").doesNotContain("worker_lost");
        try (WorkerProcess second = WorkerProcess.start("taking-over", storage.root(), WORKER_ARGS)) {
            JsonNode done = awaitJob(id, j -> j.get("status").asString().equals("succeeded"), Duration.ofSeconds(180), second);
            // A graceful stop is not the job's fault: it does not use up an attempt.
            assertThat(done.get("attempts").asInt()).isEqualTo(1);
            JobArtifacts.awaitNone(jdbc, storage.root(), id);
        }
        assertThat(eventTypes(id)).containsSubsequence("interrupted", "resumed", "succeeded");
    }

    private String createLongJob() {
        String body = "{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\", \"seed\": 5,"
                + " \"strategy\": \"full\", \"hyperparameters\": {\"n_epochs\": 12, \"batch_size\": 2, \"early_stopping_patience\": 0}}";
        ApiClient.Response created = api.post("/v1/fine_tuning/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private int checkpoints(String id) {
        return api.get("/v1/fine_tuning/jobs/" + id + "/checkpoints").json().get("data").size();
    }

    private List<String> eventTypes(String id) {
        List<String> types = new ArrayList<>();
        api.get("/v1/fine_tuning/jobs/" + id + "/events?limit=100").json().get("data").forEach(e -> types.add(e.get("type").asString()));
        return types;
    }

    private JsonNode event(String id, String type) {
        for (JsonNode e : api.get("/v1/fine_tuning/jobs/" + id + "/events?limit=100").json().get("data")) {
            if (e.get("type").asString().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("No " + type + " event in job " + id);
    }

    private JsonNode awaitJob(String id, Predicate<JsonNode> condition, Duration timeout, WorkerProcess worker) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job;
        do {
            job = api.get("/v1/fine_tuning/jobs/" + id).json();
            if (condition.test(job)) {
                return job;
            }
            if (!worker.isAlive()) {
                throw new AssertionError("Worker died unexpectedly:\n" + worker.log());
            }
            FineTuningEndToEndTest.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("Job " + id + " did not reach the expected state in " + timeout + ": " + job
                + "\nworker log:\n" + worker.log());
    }
}
