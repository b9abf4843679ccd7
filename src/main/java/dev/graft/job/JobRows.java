package dev.graft.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import org.springframework.jdbc.core.RowMapper;

/** Maps {@code fine_tuning_jobs} rows; shared by the API side and the worker side of the queue. */
final class JobRows {

    static final RowMapper<JobRow> MAPPER = JobRows::map;

    private JobRows() {
    }

    private static JobRow map(ResultSet rs, int rowNum) throws SQLException {
        return new JobRow(
                rs.getString("id"),
                rs.getLong("seq"),
                rs.getString("tenant_id"),
                JobStatus.fromWireName(rs.getString("status")),
                rs.getString("base_model"),
                rs.getString("dataset_id"),
                rs.getString("strategy"),
                rs.getString("hyperparameters"),
                rs.getLong("seed"),
                (Double) rs.getObject("validation_fraction"),
                rs.getString("suffix"),
                rs.getString("metadata"),
                rs.getInt("priority"),
                rs.getInt("attempts"),
                rs.getInt("max_attempts"),
                rs.getString("claimed_by"),
                rs.getObject("lease_token", UUID.class),
                instant(rs, "lease_expires_at"),
                rs.getBoolean("cancel_requested"),
                rs.getString("progress"),
                rs.getString("metrics"),
                rs.getString("error_code"),
                rs.getString("error_message"),
                rs.getString("fine_tuned_model"),
                rs.getString("idempotency_key"),
                rs.getString("request_hash"),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                rs.getBoolean("compare_baseline"),
                rs.getString("transfer_report"),
                rs.getString("search"),
                (Long) rs.getObject("max_duration_seconds"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
