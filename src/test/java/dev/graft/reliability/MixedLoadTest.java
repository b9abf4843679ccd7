package dev.graft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.storage.StorageProperties;
import dev.graft.support.ApiClient;
import dev.graft.support.Await;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;
import dev.graft.support.TrainedModels;
import dev.graft.support.WorkerProcess;

/**
 * Fifty clients on loopback for a fixed time (60 s; {@code -Dgraft.load.duration=10s} for a quick
 * run), uploading, creating jobs, polling their status, following their events and predicting,
 * while a real worker trains the jobs. No request may get a 5xx and no job may be lost: every
 * created job is found afterwards, in a state that agrees with its model. The p99 latency of
 * status reads is reported (stdout and target/mixed-load.md), not asserted: on a shared 2-core
 * machine a bound would test the neighbours.
 */
@GraftServerTest
// The load leaves a loaded model and a long job table behind; no later class should inherit them.
@DirtiesContext
class MixedLoadTest {

    private static final int CLIENTS = 50;
    private static final Duration DURATION = DurationStyle.detectAndParse(System.getProperty("graft.load.duration", "60s"));
    private static final List<String> STATUSES = List.of("queued", "running", "succeeded", "failed", "cancelled");

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ArtifactStore store;
    @Autowired
    StorageProperties storage;

    private final ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void clean() {
        TestDatabase.cancelLeftoverJobs(jdbc);
    }

    @AfterEach
    void leaveTheQueueEmpty() {
        closer.shutdownNow();
        TestDatabase.cancelLeftoverJobs(jdbc);
    }

    @Test
    void fiftyClientsGetNoServerErrorAndLoseNoJob() throws Exception {
        ApiClient api = ApiClient.on(port);
        LoadClient.Shared shared;
        try (WorkerProcess worker = WorkerProcess.start("load", storage.root(), "--graft.jobs.poll-interval=1s")) {
            String model = new TrainedModels(jdbc, registry, store).tabular("load");
            shared = new LoadClient.Shared("http://127.0.0.1:" + port, model, UUID.randomUUID().toString(), closer);
            String dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                    .file("file", "load.csv", "text/csv", Fixtures.csv(new String[] {"a", "b", "c"}, 10))).json().get("id").asString();
            shared.datasets.add(dataset);
            shared.jobs.add(api.post("/v1/fine_tuning/jobs", "application/json", ("{\"base_model\": \"arch-mlp\", \"dataset\": \""
                    + dataset + "\", \"metadata\": {\"load\": \"" + shared.runTag + "\"}, \"strategy\": \"full\", \"hyperparameters\": {\"n_epochs\": 1}}")
                    .getBytes(StandardCharsets.UTF_8)).json().get("id").asString());
            // Start the clock once the worker takes jobs, so that jobs run, end and stream to their end under load.
            Await.until("the worker to take its first job", Duration.ofSeconds(120),
                    () -> api.get("/v1/fine_tuning/jobs/" + shared.jobs.get(0)).json().get("status").asString(),
                    status -> !status.equals("queued") || !worker.isAlive());

            long deadline = System.nanoTime() + DURATION.toNanos();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Thread client = new Thread(new LoadClient(shared, deadline, i), "load-client-" + i);
                client.start();
                clients.add(client);
            }
            for (Thread client : clients) {
                client.join();
            }
            assertThat(worker.isAlive()).as("worker survived the load; log:\n%s", worker.log()).isTrue();
        }

        Map<String, Object> outcome = checkEveryJob(api, shared);
        String report = shared.stats.markdown(CLIENTS, DURATION, outcome);
        Files.writeString(Path.of("target", "mixed-load.md"), report);
        System.out.println(report);
        assertThat(shared.stats.failures()).isEmpty();
        assertThat(shared.stats.statusReads()).isPositive();
    }

    /** Every job the clients were told was created exists, once, in a state consistent with its model. */
    private Map<String, Object> checkEveryJob(ApiClient api, LoadClient.Shared shared) {
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        STATUSES.forEach(s -> byStatus.put(s, 0));
        for (String id : shared.jobs) {
            ApiClient.Response response = api.get("/v1/fine_tuning/jobs/" + id);
            assertThat(response.status()).as("job %s was created but is gone: %s", id, response).isEqualTo(200);
            JsonNode job = response.json();
            String status = job.get("status").asString();
            byStatus.merge(status, 1, Integer::sum);
            int models = jdbc.sql("SELECT count(*) FROM fine_tuned_models WHERE job_id = :id").param("id", id)
                    .query(Integer.class).single();
            assertThat(models).as("models of %s job %s", status, id).isEqualTo(status.equals("succeeded") ? 1 : 0);
            assertThat(job.get("fine_tuned_model").isNull()).as(job.toString()).isEqualTo(!status.equals("succeeded"));
            if (status.equals("failed")) {
                assertThat(job.get("error").isNull()).as(job.toString()).isFalse();
            }
        }
        // No job the clients do not know of either (a request that failed on the client but not on the server).
        int inDatabase = jdbc.sql("SELECT count(*) FROM fine_tuning_jobs WHERE metadata->>'load' = :tag")
                .param("tag", shared.runTag).query(Integer.class).single();
        assertThat(inDatabase).isEqualTo(shared.jobs.size());
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("jobs created", shared.jobs.size());
        byStatus.forEach((status, n) -> outcome.put("jobs " + status + " at the end", n));
        outcome.put("datasets uploaded", shared.datasets.size());
        return outcome;
    }
}
