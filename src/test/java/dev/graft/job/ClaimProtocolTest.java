package dev.graft.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.graft.support.GraftServerTest;
import dev.graft.support.QueuedJobs;
import dev.graft.support.TestDatabase;
import dev.graft.web.Ids;

/**
 * The claim protocol against real PostgreSQL (SKIP LOCKED can be tested nowhere else): many
 * concurrent claimers, each job run exactly once, none lost, none held by two at a time; and a
 * worker that lost its lease can write nothing more.
 */
@GraftServerTest
class ClaimProtocolTest {

    @Autowired
    JobQueue queue;
    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void emptyQueue() {
        TestDatabase.cancelLeftoverJobs(jdbc);
    }

    @Test
    void twoHundredJobsEightClaimersEachJobRunsExactlyOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(insertJob(0));
        }
        Map<String, String> ranBy = new ConcurrentHashMap<>();
        Set<String> holding = ConcurrentHashMap.newKeySet();
        AtomicInteger doubleHeld = new AtomicInteger();
        AtomicInteger duplicates = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> claimers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            String worker = "test-worker-" + w;
            claimers.add(pool.submit(() -> {
                int ran = 0;
                Optional<JobRow> job;
                while ((job = queue.claim(worker, Duration.ofSeconds(30))).isPresent()) {
                    JobRow row = job.get();
                    if (!holding.add(row.id())) {
                        doubleHeld.incrementAndGet();
                    }
                    if (ranBy.putIfAbsent(row.id(), worker) != null) {
                        duplicates.incrementAndGet();
                    }
                    Thread.sleep(2); // the "work"
                    holding.remove(row.id());
                    assertThat(queue.succeed(row.id(), row.leaseToken(), "model-" + row.id(), null)).isTrue();
                    ran++;
                }
                return ran;
            }));
        }
        int total = 0;
        for (Future<Integer> claimer : claimers) {
            total += claimer.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(total).isEqualTo(200);
        assertThat(ranBy.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(duplicates.get()).isZero();
        assertThat(doubleHeld.get()).isZero();
        assertThat(ranBy.values().stream().distinct().count()).as("work spread over claimers").isGreaterThan(1);
        assertThat(jdbc.sql("SELECT count(*) FROM fine_tuning_jobs WHERE id IN (:ids) AND status = 'succeeded' AND attempts = 1")
                .param("ids", ids).query(Integer.class).single()).isEqualTo(200);
    }

    @Test
    void claimsByPriorityThenAge() {
        String old = insertJob(0);
        String urgent = insertJob(5);
        String young = insertJob(0);

        assertThat(queue.claim("w", Duration.ofSeconds(30)).orElseThrow().id()).isEqualTo(urgent);
        assertThat(queue.claim("w", Duration.ofSeconds(30)).orElseThrow().id()).isEqualTo(old);
        assertThat(queue.claim("w", Duration.ofSeconds(30)).orElseThrow().id()).isEqualTo(young);
        assertThat(queue.claim("w", Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    void aWorkerWhoseLeaseExpiredCanWriteNothingAndTheJobGoesBackToTheQueue() {
        String id = insertJob(0);
        JobRow first = queue.claim("slow-worker", Duration.ofSeconds(30)).orElseThrow();
        jdbc.sql("UPDATE fine_tuning_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = :id").param("id", id).update();

        List<JobQueue.Reaped> reaped = queue.reapExpiredLeases();

        assertThat(reaped).extracting(JobQueue.Reaped::id).contains(id);
        assertThat(queue.heartbeat(id, first.leaseToken(), Duration.ofSeconds(30))).isEmpty();
        assertThat(queue.updateProgress(id, first.leaseToken(), "{}", null)).isFalse();
        assertThat(queue.succeed(id, first.leaseToken(), "m", null)).isFalse();
        JobRow second = queue.claim("other-worker", Duration.ofSeconds(30)).orElseThrow();
        assertThat(second.id()).isEqualTo(id);
        assertThat(second.attempts()).isEqualTo(2);
        assertThat(queue.succeed(id, first.leaseToken(), "m", null)).isFalse();
        assertThat(queue.succeed(id, second.leaseToken(), "m", null)).isTrue();
    }

    @Test
    void aJobOutOfAttemptsFailsWhenItsLeaseExpires() {
        String id = insertJob(0);
        jdbc.sql("UPDATE fine_tuning_jobs SET max_attempts = 1 WHERE id = :id").param("id", id).update();
        queue.claim("dying-worker", Duration.ofSeconds(30)).orElseThrow();
        jdbc.sql("UPDATE fine_tuning_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = :id").param("id", id).update();

        queue.reapExpiredLeases();

        JobRow row = queue.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(JobStatus.FAILED);
        assertThat(row.errorCode()).isEqualTo("worker_lost");
        assertThat(row.finishedAt()).isNotNull();
    }

    @Test
    void workersAreSharedAcrossTenantsBeforeAnyTenantsPriorityCounts() {
        String a = tenant("fair-a");
        String b = tenant("fair-b");
        List<String> aJobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            aJobs.add(insertJob(a, 100));
        }
        String bJob = insertJob(b, -100);

        String first = queue.claim("w1", Duration.ofSeconds(30)).orElseThrow().id();
        String second = queue.claim("w2", Duration.ofSeconds(30)).orElseThrow().id();
        String third = queue.claim("w3", Duration.ofSeconds(30)).orElseThrow().id();

        // A waited longest, so it goes first; then B, which runs nothing, before A's second job.
        assertThat(first).isEqualTo(aJobs.get(0));
        assertThat(second).isEqualTo(bJob);
        assertThat(third).isEqualTo(aJobs.get(1));
    }

    @Test
    void priorityStillOrdersATenantsOwnJobs() {
        String a = tenant("own-order");
        String low = insertJob(a, -5);
        String high = insertJob(a, 50);

        assertThat(queue.claim("w", Duration.ofSeconds(30)).orElseThrow().id()).isEqualTo(high);
        assertThat(queue.claim("w", Duration.ofSeconds(30)).orElseThrow().id()).isEqualTo(low);
    }

    private String tenant(String name) {
        String id = Ids.newId("tenant");
        jdbc.sql("INSERT INTO tenants (id, name) VALUES (:id, :name)").param("id", id).param("name", name + "-" + id).update();
        return id;
    }

    private String insertJob(int priority) {
        return insertJob("tenant_default", priority);
    }

    private String insertJob(String tenant, int priority) {
        return QueuedJobs.insert(jdbc, tenant, priority, 3);
    }
}
