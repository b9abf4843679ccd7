package dev.graft.support;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.graft.web.Ids;

/**
 * Jobs put straight into the queue, for tests of the queue and worker protocol that need no
 * dataset or base model behind them (nothing ever trains on them).
 */
public final class QueuedJobs {

    private QueuedJobs() {
    }

    /** A queued job of the open-mode tenant: priority 0, three attempts. */
    public static String insert(JdbcClient jdbc) {
        return insert(jdbc, "tenant_default", 0, 3);
    }

    /** A queued job with the {@code queued} event the API records, for tests that read its events. */
    public static String insertWithEvent(JdbcClient jdbc) {
        String id = insert(jdbc);
        jdbc.sql("INSERT INTO fine_tuning_job_events (id, job_id, level, type, message) VALUES (:e, :id, 'info', 'queued', 'Job queued')")
                .param("e", Ids.newId("ftevt")).param("id", id).update();
        return id;
    }

    public static String insert(JdbcClient jdbc, String tenant, int priority, int maxAttempts) {
        String id = Ids.newId("ftjob");
        jdbc.sql("""
                INSERT INTO fine_tuning_jobs (id, tenant_id, status, base_model, dataset_id, strategy, hyperparameters, seed,
                                              priority, max_attempts)
                VALUES (:id, :tenant, 'queued', 'arch-mlp', 'ds_x', 'full', :hp::jsonb, 1, :priority, :max)
                """).param("id", id).param("tenant", tenant).param("hp", Fixtures.RESOLVED_HYPERPARAMETERS)
                .param("priority", priority).param("max", maxAttempts).update();
        return id;
    }
}
