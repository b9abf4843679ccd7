package dev.graft.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.job.JobEventRepository;
import dev.graft.job.JobProperties;
import dev.graft.job.JobQueue;
import dev.graft.job.JobRow;
import dev.graft.job.JobStatus;
import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.GraftServerTest;
import dev.graft.support.QueuedJobs;
import dev.graft.support.TestDatabase;

/**
 * How an attempt's ending is recorded, whatever the executor did: failures classified (bad data
 * fails at once, anything else is retried until the attempts run out), success registers exactly
 * one model, and a worker that lost its lease keeps nothing.
 */
@GraftServerTest
class AttemptOutcomeTest {

    @Autowired
    JobQueue queue;
    @Autowired
    JobEventRepository events;
    @Autowired
    ModelRegistry models;
    @Autowired
    ArtifactStore store;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    JobProperties properties;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    LeaseReaper reaper;


    ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void clean() {
        TestDatabase.cancelLeftoverJobs(jdbc);
    }

    @AfterEach
    void stop() {
        heartbeats.shutdownNow();
    }

    @Test
    void badDataFailsAtOnceWithoutRetry() {
        String id = queuedJob(3);

        run(job -> {
            throw JobFailure.invalidData("image cat/1.png has 4 channels");
        });

        JobRow row = queue.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(JobStatus.FAILED);
        assertThat(row.errorCode()).isEqualTo("invalid_data");
        assertThat(row.errorMessage()).contains("cat/1.png");
        assertThat(row.attempts()).isEqualTo(1);
    }

    @Test
    void anUnclassifiedErrorIsRetriedUntilTheAttemptsRunOut() {
        String id = queuedJob(2);
        JobExecutor crashing = job -> {
            throw new IllegalStateException("native allocation failed");
        };

        run(crashing);
        assertThat(queue.find(id).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        run(crashing);

        JobRow row = queue.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(JobStatus.FAILED);
        assertThat(row.errorCode()).isEqualTo("internal_error");
        assertThat(row.attempts()).isEqualTo(2);
        assertThat(types(id)).containsSubsequence("started", "retrying", "started", "failed");
    }

    @Test
    void successRegistersOneModelWithTheJob() {
        String id = queuedJob(3);

        run(job -> new JobOutcome.Succeeded(model(job.job(), "ft:arch-mlp::" + id.substring(id.length() - 8)), "models/" + id));

        JobRow row = queue.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(models.find(row.fineTunedModel())).isPresent();
        assertThat(types(id)).endsWith("succeeded");
    }

    @Test
    void aWorkerThatLostItsLeaseBeforeFinishingKeepsNothing() throws Exception {
        String id = queuedJob(3);
        String prefix = "models/" + id + "/attempt-1";
        store.put(prefix + "/graft-model.json", "{}".getBytes());

        run(job -> {
            // The reaper gives the job away while this worker still trains.
            jdbc.sql("UPDATE fine_tuning_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = :id")
                    .param("id", id).update();
            queue.reapExpiredLeases();
            return new JobOutcome.Succeeded(model(job.job(), "ft:arch-mlp::lost" + id.substring(id.length() - 4)), prefix);
        });

        JobRow row = queue.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(row.fineTunedModel()).isNull();
        assertThat(jdbc.sql("SELECT count(*) FROM fine_tuned_models WHERE job_id = :id").param("id", id).query(Integer.class).single())
                .isZero();
        assertThat(store.exists(prefix + "/graft-model.json")).isFalse();
    }

    @Test
    void aJobWhoseCancelWasRequestedEndsCancelledEvenIfItsTrainingFinished() throws Exception {
        String id = queuedJob(3);
        String prefix = "models/" + id + "/attempt-1";
        store.put(prefix + "/graft-model.json", "{}".getBytes());

        run(job -> {
            // The client cancels after the last step the worker checked, before it records success.
            jdbc.sql("UPDATE fine_tuning_jobs SET cancel_requested = true WHERE id = :id").param("id", id).update();
            return new JobOutcome.Succeeded(model(job.job(), "ft:arch-mlp::late" + id.substring(id.length() - 4)), prefix);
        });

        JobRow row = queue.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(row.fineTunedModel()).isNull();
        assertThat(jdbc.sql("SELECT count(*) FROM fine_tuned_models WHERE job_id = :id").param("id", id).query(Integer.class).single())
                .isZero();
        assertThat(store.exists(prefix + "/graft-model.json")).isFalse();
        assertThat(types(id)).endsWith("cancelled");
    }

    @Test
    void aJobHandedBackAfterItsCancelWasRequestedEndsCancelledInsteadOfQueued() {
        String id = queuedJob(3);

        run(job -> {
            jdbc.sql("UPDATE fine_tuning_jobs SET cancel_requested = true WHERE id = :id").param("id", id).update();
            return new JobOutcome.Interrupted();
        });

        JobRow row = queue.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(row.finishedAt()).isNotNull();
        assertThat(types(id)).endsWith("cancelled").doesNotContain("interrupted");
    }

    @Test
    void aJobPastItsMaxDurationIsStoppedAtTheNextStepAndFailsWithThatError() {
        String id = queuedJob(3);
        jdbc.sql("UPDATE fine_tuning_jobs SET max_duration_seconds = 1 WHERE id = :id").param("id", id).update();

        run(job -> {
            // A training loop: one step after another until the job is told to stop (or, were it never
            // told, until the test gives up rather than hang).
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (job.stopReason() == RunningJob.StopReason.NONE && System.nanoTime() < giveUp) {
                Thread.sleep(20);
            }
            return new JobOutcome.Cancelled(0);
        });

        JobRow row = queue.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(JobStatus.FAILED);
        assertThat(row.errorCode()).isEqualTo("max_duration_exceeded");
        assertThat(row.errorMessage()).contains("max_duration of 1 seconds");
        assertThat(row.attempts()).as("a spent budget is not retried").isEqualTo(1);
        assertThat(types(id)).endsWith("failed");
    }

    @Test
    void theReaperFailsAJobPastItsMaxDurationThatItsWorkerDidNotStop() {
        String id = queuedJob(3);
        jdbc.sql("UPDATE fine_tuning_jobs SET max_duration_seconds = 60 WHERE id = :id").param("id", id).update();
        JobRow claimed = queue.claim("stuck-worker", Duration.ofMinutes(10)).orElseThrow();
        // Started long enough ago that its budget and the grace after it (a lease) are both spent.
        jdbc.sql("UPDATE fine_tuning_jobs SET started_at = now() - interval '1 hour' WHERE id = :id").param("id", id).update();

        reaper.reap();

        JobRow row = queue.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(JobStatus.FAILED);
        assertThat(row.errorCode()).isEqualTo("max_duration_exceeded");
        assertThat(row.errorMessage()).contains("max_duration of 60 seconds");
        assertThat(queue.heartbeat(id, claimed.leaseToken(), Duration.ofSeconds(30))).as("the worker has lost the job").isEmpty();
        assertThat(types(id)).endsWith("failed");
    }

    private void run(JobExecutor executor) {
        JobRow claimed = queue.claim("test-worker", Duration.ofSeconds(30)).orElseThrow();
        RunningJob running = new RunningJob(claimed, "test-worker", "cpu", queue, events, json, Duration.ofMillis(100).toNanos(),
                properties.leaseDuration().toNanos());
        new Attempt(running, executor, queue, events, models, store, transactions, properties).run(heartbeats);
    }

    private String queuedJob(int maxAttempts) {
        return QueuedJobs.insert(jdbc, "tenant_default", 0, maxAttempts);
    }

    private static ModelRegistry.NewModel model(JobRow job, String modelId) {
        return new ModelRegistry.NewModel(modelId, job.tenantId(), job.id(), job.baseModel(), job.datasetId(), "tabular", "[\"a\",\"b\"]",
                "models/" + job.id() + "/attempt-" + job.attempts(), 1, null);
    }

    private List<String> types(String id) {
        return jdbc.sql("SELECT type FROM fine_tuning_job_events WHERE job_id = :id ORDER BY seq").param("id", id)
                .query(String.class).list();
    }
}
