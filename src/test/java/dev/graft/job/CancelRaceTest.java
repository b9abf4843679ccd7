package dev.graft.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.graft.support.ApiClient;
import dev.graft.support.Await;
import dev.graft.support.GraftServerTest;
import dev.graft.support.QueuedJobs;
import dev.graft.support.TestDatabase;

/**
 * A cancel that meets a worker's transition on the same job, forced into the racing order: the
 * worker's statement has run but not committed when the cancel arrives, so the cancel must wait
 * for the row and then act on what the job has become. A 200 must mean the job ends cancelled.
 */
@GraftServerTest
class CancelRaceTest {

    @LocalServerPort
    int port;
    @Autowired
    JobQueue queue;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate transactions;

    ApiClient api;

    @BeforeEach
    void setUp() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
    }

    @Test
    void aCancelThatMeetsAWorkerHandingTheJobBackStillEndsItCancelled() throws Exception {
        String id = QueuedJobs.insert(jdbc);
        JobRow running = queue.claim("leaving-worker", Duration.ofSeconds(30)).orElseThrow();

        ApiClient.Response cancel = cancelWhileUncommitted(() -> queue.release(id, running.leaseToken(), false, "worker shutting down"), id);

        assertThat(cancel.status()).as(cancel.toString()).isEqualTo(200);
        assertThat(cancel.json().get("status").asString()).isEqualTo("cancelled");
        assertThat(queue.find(id).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(queue.claim("next-worker", Duration.ofSeconds(30))).as("nothing left to run").isEmpty();
    }

    @Test
    void aCancelThatMeetsAWorkerFinishingTheJobAnswersConflict() throws Exception {
        String id = QueuedJobs.insert(jdbc);
        JobRow running = queue.claim("finishing-worker", Duration.ofSeconds(30)).orElseThrow();

        ApiClient.Response cancel = cancelWhileUncommitted(() -> queue.succeed(id, running.leaseToken(), "ft:arch-mlp::race", null), id);

        assertThat(cancel.status()).as(cancel.toString()).isEqualTo(409);
        assertThat(cancel.json().get("detail").asString()).contains("already succeeded");
        assertThat(queue.find(id).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    /**
     * Runs {@code workerStep} in a transaction held open until the cancel request is waiting for
     * the job's row lock, then commits it and returns the cancel's answer.
     */
    private ApiClient.Response cancelWhileUncommitted(Runnable workerStep, String id) throws Exception {
        CountDownLatch stepDone = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> transactions.executeWithoutResult(tx -> {
            workerStep.run();
            stepDone.countDown();
            try {
                commit.await(60, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(stepDone.await(60, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<ApiClient.Response> cancel = CompletableFuture.supplyAsync(
                () -> api.post("/v1/fine_tuning/jobs/" + id + "/cancel", null, null));
        Await.until("the cancel to wait for the job's row", Duration.ofSeconds(30), this::backendsWaitingForALock, n -> n > 0);
        commit.countDown();
        worker.get(60, TimeUnit.SECONDS);
        return cancel.get(60, TimeUnit.SECONDS);
    }

    private int backendsWaitingForALock() {
        return jdbc.sql("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%fine_tuning_jobs%'
                """).query(Integer.class).single();
    }
}
