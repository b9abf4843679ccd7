package dev.graft.job;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The API side of the jobs table: creation, reads, and the guarded transitions a client can
 * cause (cancel). Every transition names the state it leaves in its WHERE clause, so an API
 * request and a worker racing on the same job cannot both win.
 */
@Repository
class JobRepository {

    private final JdbcClient jdbc;

    JobRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record NewJob(String id, String tenantId, String baseModel, String datasetId, String strategy, String hyperparameters, long seed,
            Double validationFraction, String suffix, String metadata, int priority, int maxAttempts, String idempotencyKey, String requestHash,
            boolean compareBaseline, String search, long maxDurationSeconds) {
    }

    void insert(NewJob job) {
        jdbc.sql("""
                INSERT INTO fine_tuning_jobs (id, tenant_id, status, base_model, dataset_id, strategy, hyperparameters, seed,
                                              validation_fraction, suffix, metadata, priority, max_attempts, idempotency_key, request_hash,
                                              compare_baseline, search, max_duration_seconds)
                VALUES (:id, :tenantId, 'queued', :baseModel, :datasetId, :strategy, :hyperparameters::jsonb, :seed, :validationFraction, :suffix,
                        :metadata::jsonb, :priority, :maxAttempts, :idempotencyKey, :requestHash, :compareBaseline, :search::jsonb,
                        :maxDurationSeconds)
                """)
                .paramSource(job)
                .update();
        notifyQueued(job.id());
    }

    /** Wakes idle workers; delivered when the surrounding transaction commits (or never, if it rolls back). */
    void notifyQueued(String id) {
        JobQueue.notifyQueued(jdbc, id);
    }

    /** Any tenant's job: for the server's own bookkeeping, never for a client's request. */
    Optional<JobRow> find(String id) {
        return jdbc.sql("SELECT * FROM fine_tuning_jobs WHERE id = :id").param("id", id).query(JobRows.MAPPER).optional();
    }

    /** The tenant's job; another tenant's is as absent as a missing one. */
    Optional<JobRow> find(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM fine_tuning_jobs WHERE id = :id AND tenant_id = :tenant")
                .param("id", id).param("tenant", tenantId).query(JobRows.MAPPER).optional();
    }

    Optional<JobRow> findByIdempotencyKey(String tenantId, String key) {
        return jdbc.sql("SELECT * FROM fine_tuning_jobs WHERE tenant_id = :tenant AND idempotency_key = :key")
                .param("tenant", tenantId).param("key", key).query(JobRows.MAPPER).optional();
    }

    /** Frees a key whose window has passed, so it can name a new job. */
    void expireIdempotencyKey(String tenantId, String key, Duration window) {
        jdbc.sql("""
                UPDATE fine_tuning_jobs SET idempotency_key = NULL
                WHERE tenant_id = :tenant AND idempotency_key = :key
                  AND created_at < now() - :windowMs * interval '1 millisecond'
                """)
                .param("tenant", tenantId).param("key", key).param("windowMs", window.toMillis()).update();
    }

    /** Newest first, optionally only one status; {@code limit} is the page size plus one. */
    List<JobRow> page(String tenantId, Long beforeSeq, JobStatus status, int limit) {
        return jdbc.sql("""
                SELECT * FROM fine_tuning_jobs
                WHERE tenant_id = :tenant
                  AND (:beforeSeq::bigint IS NULL OR seq < :beforeSeq::bigint)
                  AND (:status::text IS NULL OR status = :status::text)
                ORDER BY seq DESC
                LIMIT :limit
                """)
                .param("tenant", tenantId)
                .param("beforeSeq", beforeSeq)
                .param("status", status == null ? null : status.wireName())
                .param("limit", limit)
                .query(JobRows.MAPPER).list();
    }

    Optional<Long> seqOf(String tenantId, String id) {
        return jdbc.sql("SELECT seq FROM fine_tuning_jobs WHERE id = :id AND tenant_id = :tenant")
                .param("id", id).param("tenant", tenantId).query(Long.class).optional();
    }

    /** The tenant's queued and running jobs: each will register a model, so they count against its model quota. */
    long countActive(String tenantId) {
        return jdbc.sql("SELECT count(*) FROM fine_tuning_jobs WHERE tenant_id = :tenant AND status IN ('queued', 'running')")
                .param("tenant", tenantId).query(Long.class).single();
    }

    long countRunning(String tenantId) {
        return jdbc.sql("SELECT count(*) FROM fine_tuning_jobs WHERE tenant_id = :tenant AND status = 'running'")
                .param("tenant", tenantId).query(Long.class).single();
    }

    /**
     * Cancels the job in one statement: a queued job is cancelled at once, a running one is asked
     * to stop. The row lock makes it atomic against the worker's transitions: should a worker hand
     * the job back to the queue or finish it meanwhile, PostgreSQL re-reads the row once that commits
     * and the CASEs act on what the job is then. Empty when the job had already ended.
     */
    Optional<JobStatus> cancel(String id) {
        return jdbc.sql("""
                UPDATE fine_tuning_jobs
                SET status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
                    finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END,
                    cancel_requested = cancel_requested OR status = 'running'
                WHERE id = :id AND status IN ('queued', 'running')
                RETURNING status
                """).param("id", id).query((rs, i) -> JobStatus.fromWireName(rs.getString(1))).optional();
    }

    /** Jobs that still need a dataset: it cannot be deleted under them. */
    boolean activeJobUses(String datasetId) {
        return jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM fine_tuning_jobs WHERE dataset_id = :id AND status IN ('queued', 'running'))
                """).param("id", datasetId).query(Boolean.class).single();
    }

    boolean activeJobStartsFrom(String modelId) {
        return jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM fine_tuning_jobs WHERE base_model = :id AND status IN ('queued', 'running'))
                """).param("id", modelId).query(Boolean.class).single();
    }

    /** Queue depth per status, for metrics. */
    List<StatusCount> countByStatus() {
        return jdbc.sql("SELECT status, count(*) AS n FROM fine_tuning_jobs GROUP BY status")
                .query((rs, i) -> new StatusCount(rs.getString("status"), rs.getLong("n"))).list();
    }

    record StatusCount(String status, long count) {
    }
}
