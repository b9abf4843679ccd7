package dev.graft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import dev.graft.GraftApplication;
import dev.graft.support.ApiClient;
import dev.graft.support.Await;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftTestInitializer;
import dev.graft.support.JobArtifacts;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;

/**
 * The Graft process restarted (in the default {@code all} mode, so its worker goes down and comes
 * back with it) while one job runs and two wait in the queue: after the restart every job finishes
 * exactly once, and the interrupted one resumes from its checkpoint.
 */
class ApiRestartTest {

    private final Path store = GraftTestInitializer.newStorageRoot();

    @Test
    void runningAndQueuedJobsAllSucceedOnceAcrossARestart() {
        String running;
        List<String> queued = new ArrayList<>();
        try (ConfigurableApplicationContext first = start()) {
            TestDatabase.cancelLeftoverJobs(first.getBean(JdbcClient.class));
            ApiClient api = api(first);
            running = create(api, upload(api, 200), 8);
            String small = upload(api, 10);
            queued.add(create(api, small, 2));
            queued.add(create(api, small, 2));
            Await.until("job " + running + " to checkpoint", Duration.ofSeconds(120),
                    () -> api.get("/v1/fine_tuning/jobs/" + running + "/checkpoints").json().get("data").size(), n -> n >= 1);
            for (String id : queued) {
                assertThat(status(api, id)).isEqualTo("queued");
            }
        }
        try (ConfigurableApplicationContext second = start()) {
            ApiClient api = api(second);
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            List<String> all = new ArrayList<>(queued);
            all.add(0, running);
            for (String id : all) {
                JsonNode done = Await.until("job " + id + " to end", Duration.ofSeconds(180),
                        () -> api.get("/v1/fine_tuning/jobs/" + id).json(),
                        j -> List.of("succeeded", "failed", "cancelled").contains(j.get("status").asString()));
                assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("succeeded");
                // Stopping a worker is not the job's fault: the interrupted job kept its attempt.
                assertThat(done.get("attempts").asInt()).isEqualTo(1);
                assertThat(jdbc.sql("SELECT count(*) FROM fine_tuned_models WHERE job_id = :id").param("id", id)
                        .query(Integer.class).single()).isEqualTo(1);
                JobArtifacts.awaitNone(jdbc, store, id);
            }
            List<String> types = new ArrayList<>();
            api.get("/v1/fine_tuning/jobs/" + running + "/events?limit=100").json().get("data")
                    .forEach(e -> types.add(e.get("type").asString()));
            assertThat(types).containsSubsequence("checkpoint", "interrupted", "resumed", "succeeded")
                    .containsOnlyOnce("succeeded").doesNotContain("worker_lost");
        }
    }

    private ConfigurableApplicationContext start() {
        TestDatabase.Connection db = TestDatabase.connection();
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--graft.mode=all", "--graft.worker.processes=1",
                "--graft.worker.jvm-options=-Xmx1g", "--graft.training.threads=1", "--spring.datasource.url=" + db.url(),
                "--graft.storage.root=" + store, "--graft.jobs.poll-interval=1s",
                // Quotas off, as GraftTestInitializer has them for every other class: the shared test
                // database already holds the datasets of the classes that ran before this one.
                "--graft.limits.datasets-per-tenant=0", "--graft.limits.models-per-tenant=0"));
        if (db.username() != null) {
            args.add("--spring.datasource.username=" + db.username());
            args.add("--spring.datasource.password=" + db.password());
        }
        return SpringApplication.run(GraftApplication.class, args.toArray(String[]::new));
    }

    private static ApiClient api(ConfigurableApplicationContext context) {
        return ApiClient.on(((WebServerApplicationContext) context).getWebServer().getPort());
    }

    private static String upload(ApiClient api, int perClass) {
        return api.upload("/v1/datasets", Multipart.form().field("format", "csv").file("file", "restart.csv", "text/csv",
                Fixtures.csv(new String[] {"a", "b", "c"}, perClass))).json().get("id").asString();
    }

    private static String create(ApiClient api, String dataset, int epochs) {
        String body = "{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\", \"seed\": 2, \"strategy\": \"full\", \"hyperparameters\":"
                + " {\"n_epochs\": " + epochs + ", \"batch_size\": 2, \"early_stopping_patience\": 0}}";
        ApiClient.Response created = api.post("/v1/fine_tuning/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private static String status(ApiClient api, String id) {
        return api.get("/v1/fine_tuning/jobs/" + id).json().get("status").asString();
    }
}
