package dev.graft.job;

import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.graft.web.Ids;

/**
 * Job events and checkpoints. A worker's writes are fenced like its job updates: an event or a
 * checkpoint is recorded only while the worker still holds the job's lease, so a worker that lost
 * its job cannot append to the history of the attempt that replaced it.
 */
@Repository
public class JobEventRepository {

    private final JdbcClient jdbc;

    JobEventRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An event from the API side, the reaper, or a worker inside its own fenced transition (not fenced here). */
    public void append(String jobId, String level, String type, String message, String dataJson) {
        jdbc.sql("""
                INSERT INTO fine_tuning_job_events (id, job_id, level, type, message, data)
                VALUES (:id, :job, :level, :type, :message, :data::jsonb)
                """)
                .param("id", Ids.newId("ftevt")).param("job", jobId).param("level", level).param("type", type)
                .param("message", message).param("data", dataJson).update();
    }

    /** An event from the worker holding the lease; false when the lease is lost. */
    public boolean appendFenced(String jobId, UUID token, String level, String type, String message, String dataJson) {
        return jdbc.sql("""
                INSERT INTO fine_tuning_job_events (id, job_id, level, type, message, data)
                SELECT :id, :job, :level, :type, :message, :data::jsonb
                WHERE EXISTS (SELECT 1 FROM fine_tuning_jobs WHERE id = :job AND status = 'running' AND lease_token = :token)
                """)
                .param("id", Ids.newId("ftevt")).param("job", jobId).param("token", token).param("level", level)
                .param("type", type).param("message", message).param("data", dataJson).update() == 1;
    }

    record EventRow(String id, long seq, String jobId, Timestamp createdAt, String level, String type, String message, String data) {
    }

    /** Oldest first, after the event with sequence {@code afterSeq}. */
    List<EventRow> events(String jobId, long afterSeq, int limit) {
        return jdbc.sql("""
                SELECT id, seq, job_id, created_at, level, type, message, data::text AS data
                FROM fine_tuning_job_events
                WHERE job_id = :job AND seq > :after
                ORDER BY seq
                LIMIT :limit
                """)
                .param("job", jobId).param("after", afterSeq).param("limit", limit)
                .query((rs, i) -> new EventRow(rs.getString("id"), rs.getLong("seq"), rs.getString("job_id"),
                        rs.getTimestamp("created_at"), rs.getString("level"), rs.getString("type"), rs.getString("message"),
                        rs.getString("data")))
                .list();
    }

    Optional<Long> eventSeq(String jobId, String eventId) {
        return jdbc.sql("SELECT seq FROM fine_tuning_job_events WHERE job_id = :job AND id = :id")
                .param("job", jobId).param("id", eventId).query(Long.class).optional();
    }

    /** Records a checkpoint the worker has already written; false when the lease is lost. */
    public boolean addCheckpoint(String jobId, UUID token, int epoch, long step, String metricsJson, String artifact) {
        return jdbc.sql("""
                INSERT INTO fine_tuning_job_checkpoints (id, job_id, epoch, step, metrics, artifact)
                SELECT :id, :job, :epoch, :step, :metrics::jsonb, :artifact
                WHERE EXISTS (SELECT 1 FROM fine_tuning_jobs WHERE id = :job AND status = 'running' AND lease_token = :token)
                """)
                .param("id", Ids.newId("ftckpt")).param("job", jobId).param("token", token).param("epoch", epoch)
                .param("step", step).param("metrics", metricsJson).param("artifact", artifact).update() == 1;
    }

    public record CheckpointRow(String id, long seq, String jobId, int epoch, long step, String metrics, String artifact,
            Timestamp createdAt) {
    }

    public List<CheckpointRow> checkpoints(String jobId) {
        return jdbc.sql("""
                SELECT id, seq, job_id, epoch, step, metrics::text AS metrics, artifact, created_at
                FROM fine_tuning_job_checkpoints WHERE job_id = :job ORDER BY seq
                """)
                .param("job", jobId)
                .query((rs, i) -> new CheckpointRow(rs.getString("id"), rs.getLong("seq"), rs.getString("job_id"),
                        rs.getInt("epoch"), rs.getLong("step"), rs.getString("metrics"), rs.getString("artifact"),
                        rs.getTimestamp("created_at")))
                .list();
    }

    /** The newest checkpoint, where a resumed attempt continues from. */
    public Optional<CheckpointRow> latestCheckpoint(String jobId) {
        List<CheckpointRow> all = checkpoints(jobId);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }
}
