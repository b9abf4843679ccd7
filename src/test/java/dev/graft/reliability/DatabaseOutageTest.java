package dev.graft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import dev.graft.GraftApplication;
import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.ApiClient;
import dev.graft.support.Await;
import dev.graft.support.Fixtures;
import dev.graft.support.JobArtifacts;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;
import dev.graft.support.TrainedModels;
import dev.graft.support.WorkerProcess;

/**
 * PostgreSQL stopped and started again under a running job and a served model. The shared test
 * database cannot be restarted, so the test runs a PostgreSQL server of its own (the embedded one
 * Graft itself uses) on a fixed port and data directory, and points the API and a worker process
 * at it. While the server is down, reads answer 503 at once instead of waiting on the pool; after
 * it is back, the service reconnects on its own and the running job finishes exactly once.
 */
class DatabaseOutageTest {

    /** Far below Hikari's old 30 s wait: a request slower than this during the outage hung on the pool. */
    private static final Duration NO_HANG = Duration.ofSeconds(10);
    /** The lease outlasts the outage (two bounded requests and a server start); the reaper looks often. */
    private static final String[] TIMING = {"--graft.jobs.lease-duration=30s", "--graft.jobs.heartbeat-interval=1s",
            "--graft.jobs.poll-interval=1s", "--graft.jobs.reaper-interval=500ms"};

    @TempDir
    Path dir;

    private EmbeddedPostgres postgres;

    @AfterEach
    void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aDatabaseRestartFailsRequestsFastWhileDownAndLosesNoJob() throws Exception {
        int port = freePort();
        postgres = startPostgres(port);
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
        Path store = dir.resolve("artifacts");
        try (ConfigurableApplicationContext app = startApi(url, store);
                WorkerProcess worker = WorkerProcess.start("outage", store, new TestDatabase.Connection(url, null, null),
                        TIMING)) {
            ApiClient api = ApiClient.on(((WebServerApplicationContext) app).getWebServer().getPort());
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            String model = new TrainedModels(jdbc, app.getBean(ModelRegistry.class), app.getBean(ArtifactStore.class))
                    .tabular("outage");
            assertThat(predict(api, model).status()).isEqualTo(200);
            String job = createJob(api);
            Await.until("job " + job + " to run and checkpoint", Duration.ofSeconds(120), () -> checkpoints(api, job),
                    n -> n >= 1 || !worker.isAlive());
            assertThat(worker.isAlive()).as("worker alive; log:\n%s", worker.log()).isTrue();

            postgres.close();

            ApiClient.Response read = timed(() -> api.get("/v1/fine_tuning/jobs/" + job));
            assertThat(read.status()).as(read.toString()).isEqualTo(503);
            assertThat(read.contentType()).startsWith("application/problem+json");
            assertThat(read.header("Retry-After")).isNotNull();
            // The model is in memory, but looking it up needs the database: either answer is right, a hang is not.
            assertThat(timed(() -> predict(api, model)).status()).isIn(200, 503);

            postgres = startPostgres(port);

            Await.until("reads to work again", Duration.ofSeconds(60), () -> api.get("/v1/fine_tuning/jobs/" + job).status(),
                    s -> s == 200);
            JsonNode done = Await.until("job " + job + " to end", Duration.ofSeconds(180),
                    () -> api.get("/v1/fine_tuning/jobs/" + job).json(), j -> isTerminal(j) || !worker.isAlive());
            assertThat(done.get("status").asString()).as("%s\nworker log:\n%s", done, worker.log()).isEqualTo("succeeded");
            assertThat(jdbc.sql("SELECT count(*) FROM fine_tuned_models WHERE job_id = :id").param("id", job)
                    .query(Integer.class).single()).isEqualTo(1);
            // An outage shorter than the lease only paused the attempt: it did not cost the job an attempt.
            assertThat(done.get("attempts").asInt()).isEqualTo(1);
            assertThat(eventTypes(api, job)).containsOnlyOnce("started", "succeeded").doesNotContain("worker_lost", "retrying");
            JobArtifacts.awaitNone(jdbc, store, job);
            assertThat(predict(api, model).status()).isEqualTo(200);
        }
    }

    private EmbeddedPostgres startPostgres(int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dir.resolve("postgres")).setCleanDataDirectory(false)
                .setPort(port).start();
    }

    private static ConfigurableApplicationContext startApi(String url, Path store) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--graft.mode=api", "--spring.datasource.url=" + url,
                "--graft.storage.root=" + store));
        args.addAll(List.of(TIMING));
        return SpringApplication.run(GraftApplication.class, args.toArray(String[]::new));
    }

    private static String createJob(ApiClient api) {
        String dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "outage.csv", "text/csv", Fixtures.csv(new String[] {"a", "b", "c"}, 200))).json().get("id").asString();
        String body = "{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\", \"seed\": 9,"
                + " \"strategy\": \"full\", \"hyperparameters\": {\"n_epochs\": 20, \"batch_size\": 2, \"early_stopping_patience\": 0}}";
        ApiClient.Response created = api.post("/v1/fine_tuning/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private static ApiClient.Response predict(ApiClient api, String model) {
        return api.post("/v1/models/" + model + ":predict", "application/json",
                "{\"instances\": [[0.0, 0.0], [2.0, -2.0]]}".getBytes(StandardCharsets.UTF_8));
    }

    private static ApiClient.Response timed(java.util.function.Supplier<ApiClient.Response> request) {
        long start = System.nanoTime();
        ApiClient.Response response = request.get();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered without hanging: " + response).isLessThan(NO_HANG);
        return response;
    }

    private static int checkpoints(ApiClient api, String job) {
        return api.get("/v1/fine_tuning/jobs/" + job + "/checkpoints").json().get("data").size();
    }

    private static List<String> eventTypes(ApiClient api, String job) {
        List<String> types = new ArrayList<>();
        api.get("/v1/fine_tuning/jobs/" + job + "/events?limit=100").json().get("data")
                .forEach(e -> types.add(e.get("type").asString()));
        return types;
    }

    private static boolean isTerminal(JsonNode job) {
        return List.of("succeeded", "failed", "cancelled").contains(job.get("status").asString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
