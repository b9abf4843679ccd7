package dev.graft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.graft.support.ApiClient;
import dev.graft.support.Await;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftProcess;
import dev.graft.support.Multipart;

/**
 * SIGTERM to Graft as a user runs it (the default {@code all} mode, its embedded PostgreSQL, a
 * child worker mid-job): the worker checkpoints and puts its job back in the queue while the
 * database is still up, the process exits within the worker stop timeout, and the job has lost
 * no attempt. The embedded server used to stop at once in a shutdown hook of its own, leaving the
 * worker to wait for it until it was killed, and the job to come back as {@code worker_lost}.
 */
class GracefulShutdownTest {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void sigtermMidJobPutsTheJobBackInTheQueueWithoutUsingAnAttemptAndExitsInTime() throws Exception {
        Path data = Files.createDirectories(Path.of("target", "graceful-shutdown", String.valueOf(System.nanoTime())));
        String job;
        try (GraftProcess graft = GraftProcess.start(data, "--graft.worker.processes=1",
                "--graft.worker.stop-timeout=" + STOP_TIMEOUT.toSeconds() + "s", "--graft.worker.jvm-options=-Xmx512m")) {
            ApiClient api = graft.api();
            String dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                    .file("file", "points.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 10))).json().get("id").asString();
            job = api.post("/v1/fine_tuning/jobs", "application/json", ("{\"base_model\": \"arch-mlp\", \"dataset\": \""
                    + dataset + "\", \"strategy\": \"full\", \"hyperparameters\": {\"n_epochs\": 1000, \"batch_size\": 2,"
                    + " \"early_stopping_patience\": 0}}").getBytes(StandardCharsets.UTF_8)).json().get("id").asString();
            Await.until("the job to train", Duration.ofSeconds(120), () -> api.get("/v1/fine_tuning/jobs/" + job).json(),
                    j -> j.get("status").asString().equals("running") && !j.get("progress").isNull()
                            && j.get("progress").get("epoch").asInt() >= 1);

            long started = System.nanoTime();
            boolean exited = graft.terminate(STOP_TIMEOUT);

            assertThat(exited).as("exited within the stop timeout; log:\n%s", graft.log()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(STOP_TIMEOUT);
            assertThat(graft.log()).doesNotContain("did not stop in time");
        }
        // Started again with no worker, so nothing claims the job before it is read.
        try (GraftProcess graft = GraftProcess.start(data, "--graft.worker.processes=0")) {
            JsonNode after = graft.api().get("/v1/fine_tuning/jobs/" + job).json();
            assertThat(after.get("status").asString()).as(after.toString()).isEqualTo("queued");
            assertThat(after.get("attempts").asInt()).as(after.toString()).isZero();
            String events = graft.api().get("/v1/fine_tuning/jobs/" + job + "/events?limit=100").body();
            assertThat(events).contains("\"type\":\"interrupted\"").doesNotContain("worker_lost");
        }
    }
}
