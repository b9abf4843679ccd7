package dev.graft.job;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The worker side of the jobs table, in the shape every trusted PostgreSQL queue uses (River,
 * Oban, db-scheduler): one statement claims a job and leases it, and every later write by the
 * worker is fenced by {@code status = 'running' AND lease_token = ?}. A write that touches no row
 * means the worker lost the job (its lease expired and the reaper gave it to someone else), and
 * the worker must stop working on it.
 */
@Component
public class JobQueue {

    /** The LISTEN/NOTIFY channel on which a queued job's id is announced. */
    public static final String NEW_JOB_CHANNEL = "graft_jobs";

    /** The advisory lock that serialises claims while a per-tenant limit is in force ("graft" in ASCII). */
    private static final long CLAIM_LOCK = 0x6772616674L;

    private static final RowMapper<JobStatus> STATUS = (rs, i) -> JobStatus.fromWireName(rs.getString(1));
    private static final RowMapper<Reaped> REAPED = (rs, i) -> new Reaped(rs.getString(1), JobStatus.fromWireName(rs.getString(2)),
            rs.getInt(3), rs.getString(4), rs.getString(5));

    private final JdbcClient jdbc;
    private final JobProperties properties;
    private final TransactionTemplate transactions;

    JobQueue(JdbcClient jdbc, JobProperties properties, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.transactions = transactions;
    }

    /**
     * Claims the next queued job and leases it to {@code workerId}. Workers are shared across
     * tenants before priorities count: the tenant running the fewest jobs goes first (ties: the one
     * whose oldest queued job has waited longest), and only then does priority, then age, pick
     * among that tenant's own jobs, so a tenant's priorities never jump another tenant's queue.
     * The CTE selects the row with FOR UPDATE SKIP LOCKED, so concurrent claimers each skip the rows
     * the others are locking instead of waiting for them; the LIMIT inside the CTE keeps the claim
     * to one row whatever plan PostgreSQL picks for the UPDATE. Commits at once: no transaction is
     * ever held open while a job trains.
     *
     * <p>A job whose tenant already runs {@code graft.jobs.max-running-per-tenant} jobs is passed
     * over. Claims then take a transaction-scoped advisory lock first, so that two workers cannot
     * both see a tenant's last free slot; the claim statement runs after the lock is granted, with a
     * snapshot that sees every earlier claim (which also makes the fair order exact; without the
     * limit, claimers racing on the same counts may both serve one tenant, once). Claims are rare
     * (one per job), so the lock costs little.
     */
    public Optional<JobRow> claim(String workerId, Duration lease) {
        int max = properties.maxRunningPerTenant();
        if (max <= 0) {
            return claimStatement(workerId, lease, 0);
        }
        return transactions.execute(tx -> {
            jdbc.sql("SELECT 1 FROM pg_advisory_xact_lock(:lock)").param("lock", CLAIM_LOCK).query(Integer.class).single();
            return claimStatement(workerId, lease, max);
        });
    }

    private Optional<JobRow> claimStatement(String workerId, Duration lease, int maxRunningPerTenant) {
        return jdbc.sql("""
                WITH running AS (
                    SELECT tenant_id, count(*) AS n FROM fine_tuning_jobs WHERE status = 'running' GROUP BY tenant_id
                ),
                waiting AS (
                    SELECT tenant_id, min(seq) AS oldest FROM fine_tuning_jobs WHERE status = 'queued' GROUP BY tenant_id
                ),
                next AS (
                    SELECT q.id FROM fine_tuning_jobs q
                    JOIN waiting w ON w.tenant_id = q.tenant_id
                    LEFT JOIN running r ON r.tenant_id = q.tenant_id
                    WHERE q.status = 'queued'
                      AND (:max = 0 OR coalesce(r.n, 0) < :max)
                    -- The tenant first (fair share), then the job within it (its own priority, then age).
                    ORDER BY coalesce(r.n, 0), w.oldest, q.priority DESC, q.seq
                    LIMIT 1
                    -- Only the job row is locked: the counts above are aggregates, not rows to hold.
                    FOR UPDATE OF q SKIP LOCKED
                )
                UPDATE fine_tuning_jobs j
                SET status = 'running',
                    attempts = j.attempts + 1,
                    claimed_by = :worker,
                    lease_token = gen_random_uuid(),
                    lease_expires_at = now() + :leaseMs * interval '1 millisecond',
                    started_at = coalesce(j.started_at, now())
                FROM next
                WHERE j.id = next.id
                RETURNING j.*
                """)
                .param("worker", workerId)
                .param("leaseMs", lease.toMillis())
                .param("max", maxRunningPerTenant)
                .query(JobRows.MAPPER).optional();
    }

    /**
     * Renews the lease. Empty when the lease is lost; otherwise whether a cancel was requested.
     */
    public Optional<Boolean> heartbeat(String jobId, UUID token, Duration lease) {
        return jdbc.sql("""
                UPDATE fine_tuning_jobs SET lease_expires_at = now() + :leaseMs * interval '1 millisecond'
                WHERE id = :id AND status = 'running' AND lease_token = :token
                RETURNING cancel_requested
                """)
                .param("id", jobId).param("token", token).param("leaseMs", lease.toMillis())
                .query(Boolean.class).optional();
    }

    /** Whether the job is still ours and not asked to stop; a cheap read for the per-step check. */
    public Optional<Boolean> cancelRequested(String jobId, UUID token) {
        return jdbc.sql("""
                SELECT cancel_requested FROM fine_tuning_jobs
                WHERE id = :id AND status = 'running' AND lease_token = :token
                """)
                .param("id", jobId).param("token", token).query(Boolean.class).optional();
    }

    public boolean updateProgress(String jobId, UUID token, String progressJson, String metricsJson) {
        return jdbc.sql("""
                UPDATE fine_tuning_jobs SET progress = :progress::jsonb, metrics = coalesce(:metrics::jsonb, metrics)
                WHERE id = :id AND status = 'running' AND lease_token = :token
                """)
                .param("id", jobId).param("token", token).param("progress", progressJson).param("metrics", metricsJson)
                .update() == 1;
    }

    /**
     * Records the search of strategy "auto" as it stands (also its checkpoint: a resumed attempt
     * skips every fold scored here); once it has chosen, also the chosen strategy and its
     * hyperparameters ({@code strategy} null: unchanged).
     */
    public boolean recordSearch(String jobId, UUID token, String searchJson, String strategy, String hyperparametersJson) {
        return jdbc.sql("""
                UPDATE fine_tuning_jobs
                SET search = :search::jsonb, strategy = coalesce(:strategy, strategy),
                    hyperparameters = coalesce(:hp::jsonb, hyperparameters)
                WHERE id = :id AND status = 'running' AND lease_token = :token
                """)
                .param("id", jobId).param("token", token).param("search", searchJson).param("strategy", strategy)
                .param("hp", hyperparametersJson).update() == 1;
    }

    /**
     * running → succeeded with the model it produced (and, for {@code compare_baseline}, the transfer
     * report; else null). The caller registers the model in the same transaction. False when the
     * lease is lost, or when a cancel was requested meanwhile: the client was promised a cancelled
     * job, so the caller then ends it with {@link #cancelled} instead.
     */
    public boolean succeed(String jobId, UUID token, String modelId, String transferReportJson) {
        return jdbc.sql("""
                UPDATE fine_tuning_jobs
                SET status = 'succeeded', fine_tuned_model = :model, finished_at = now(),
                    lease_token = NULL, lease_expires_at = NULL, transfer_report = :report::jsonb
                WHERE id = :id AND status = 'running' AND lease_token = :token AND NOT cancel_requested
                """)
                .param("id", jobId).param("token", token).param("model", modelId).param("report", transferReportJson)
                .update() == 1;
    }

    /**
     * running → failed, for errors a retry cannot fix (bad data, unsupported input) or after the last
     * attempt; → cancelled instead when a cancel was requested. Empty when the lease is lost.
     */
    public Optional<JobStatus> fail(String jobId, UUID token, String code, String message) {
        return jdbc.sql("""
                UPDATE fine_tuning_jobs
                SET status = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'failed' END,
                    error_code = CASE WHEN cancel_requested THEN NULL ELSE :code END,
                    error_message = CASE WHEN cancel_requested THEN NULL ELSE :message END,
                    finished_at = now(), lease_token = NULL, lease_expires_at = NULL
                WHERE id = :id AND status = 'running' AND lease_token = :token
                RETURNING status
                """)
                .param("id", jobId).param("token", token).param("code", code).param("message", message)
                .query(STATUS).optional();
    }

    public boolean cancelled(String jobId, UUID token) {
        return jdbc.sql("""
                UPDATE fine_tuning_jobs
                SET status = 'cancelled', finished_at = now(), lease_token = NULL, lease_expires_at = NULL
                WHERE id = :id AND status = 'running' AND lease_token = :token
                """)
                .param("id", jobId).param("token", token).update() == 1;
    }

    /**
     * running → queued, so another worker can take over at once: after an infrastructure error
     * (the attempt counts) or on graceful shutdown ({@code countAttempt = false}: stopping a
     * worker is not the job's fault). A job out of attempts fails instead, and one whose cancel
     * was requested ends cancelled rather than run again. Empty when the lease is lost.
     */
    public Optional<JobStatus> release(String jobId, UUID token, boolean countAttempt, String reason) {
        return jdbc.sql("""
                UPDATE fine_tuning_jobs
                SET attempts = CASE WHEN :countAttempt THEN attempts ELSE attempts - 1 END,
                    status = CASE WHEN cancel_requested THEN 'cancelled'
                                  WHEN :countAttempt AND attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                    error_code = CASE WHEN NOT cancel_requested AND :countAttempt AND attempts >= max_attempts
                                      THEN 'retries_exhausted' ELSE error_code END,
                    error_message = CASE WHEN NOT cancel_requested AND :countAttempt AND attempts >= max_attempts
                                         THEN :reason ELSE error_message END,
                    finished_at = CASE WHEN cancel_requested OR (:countAttempt AND attempts >= max_attempts) THEN now() ELSE NULL END,
                    claimed_by = NULL, lease_token = NULL, lease_expires_at = NULL
                WHERE id = :id AND status = 'running' AND lease_token = :token
                RETURNING status
                """)
                .param("id", jobId).param("token", token).param("countAttempt", countAttempt).param("reason", reason)
                .query(STATUS).optional();
    }

    /** A job the reaper took back: requeued for another attempt, or ended for good (with why, if it failed). */
    public record Reaped(String id, JobStatus status, int attempts, String lostWorker, String errorMessage) {
    }

    /**
     * Takes back every job whose lease expired: its worker died or hung. The job goes back to the
     * queue (the next worker resumes from its latest checkpoint) unless it has used all its
     * attempts, in which case it fails with a clear error, or a cancel was requested, in which case
     * it ends cancelled.
     */
    public List<Reaped> reapExpiredLeases() {
        return jdbc.sql("""
                WITH expired AS (
                    SELECT id, claimed_by FROM fine_tuning_jobs
                    WHERE status = 'running' AND lease_expires_at < now()
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE fine_tuning_jobs j
                SET status = CASE WHEN j.cancel_requested THEN 'cancelled'
                                  WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'queued' END,
                    error_code = CASE WHEN NOT j.cancel_requested AND j.attempts >= j.max_attempts THEN 'worker_lost' ELSE j.error_code END,
                    error_message = CASE WHEN NOT j.cancel_requested AND j.attempts >= j.max_attempts
                        THEN 'The worker running this job stopped responding on each of its ' || j.attempts || ' attempts'
                        ELSE j.error_message END,
                    finished_at = CASE WHEN j.cancel_requested OR j.attempts >= j.max_attempts THEN now() ELSE NULL END,
                    claimed_by = NULL, lease_token = NULL, lease_expires_at = NULL
                FROM expired
                WHERE j.id = expired.id
                RETURNING j.id, j.status, j.attempts, expired.claimed_by, j.error_message
                """)
                .query(REAPED).list();
    }

    /**
     * The backstop of {@code max_duration}: fails every job past its budget that its worker did not
     * stop (the worker stops a job at the first training step past it; {@code grace} gives it that
     * long first), and every job queued again after an attempt once its budget has run out. A job
     * whose cancel was requested ends cancelled instead.
     */
    public List<Reaped> failOverBudget(Duration grace) {
        return jdbc.sql("""
                WITH over AS (
                    SELECT id, claimed_by FROM fine_tuning_jobs
                    WHERE status IN ('queued', 'running') AND started_at IS NOT NULL AND max_duration_seconds IS NOT NULL
                      AND started_at + max_duration_seconds * interval '1 second'
                          + CASE WHEN status = 'running' THEN :graceMs * interval '1 millisecond' ELSE interval '0' END < now()
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE fine_tuning_jobs j
                SET status = CASE WHEN j.cancel_requested THEN 'cancelled' ELSE 'failed' END,
                    error_code = CASE WHEN j.cancel_requested THEN NULL ELSE 'max_duration_exceeded' END,
                    error_message = CASE WHEN j.cancel_requested THEN NULL ELSE
                        'The job used up its max_duration of ' || j.max_duration_seconds || ' seconds and was stopped' END,
                    finished_at = now(), claimed_by = NULL, lease_token = NULL, lease_expires_at = NULL
                FROM over
                WHERE j.id = over.id
                RETURNING j.id, j.status, j.attempts, over.claimed_by, j.error_message
                """)
                .param("graceMs", grace.toMillis())
                .query(REAPED).list();
    }

    /** Wakes idle workers after a job went back to the queue. */
    public void notifyQueued(String jobId) {
        notifyQueued(jdbc, jobId);
    }

    /** Wakes idle workers; delivered when the surrounding transaction commits (or never, if it rolls back). */
    static void notifyQueued(JdbcClient jdbc, String jobId) {
        jdbc.sql("SELECT pg_notify('" + NEW_JOB_CHANNEL + "', :id)").param("id", jobId).query().singleValue();
    }

    public Optional<JobRow> find(String jobId) {
        return jdbc.sql("SELECT * FROM fine_tuning_jobs WHERE id = :id").param("id", jobId).query(JobRows.MAPPER).optional();
    }
}
