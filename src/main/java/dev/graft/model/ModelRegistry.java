package dev.graft.model;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The models Graft has trained. A model is registered by the worker inside the transaction that
 * marks its job succeeded, so a succeeded job always names a model and no job yields two.
 */
@Service
public class ModelRegistry {

    private static final String COLUMNS = """
            id, seq, tenant_id, job_id, base_model, dataset_id, modality, labels::text AS labels, artifact, bytes,
            report::text AS report, created_at""";

    private final JdbcClient jdbc;

    ModelRegistry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record NewModel(String id, String tenantId, String jobId, String baseModel, String datasetId, String modality, String labelsJson,
            String artifact, long bytes, String reportJson) {
    }

    public record ModelRow(String id, String tenantId, String jobId, String baseModel, String datasetId, String modality, String labels,
            String artifact, long bytes, String report, Instant createdAt) {
    }

    /** Must run in the caller's transaction, next to the job's succeed transition. */
    public void register(NewModel model) {
        jdbc.sql("""
                INSERT INTO fine_tuned_models (id, tenant_id, job_id, base_model, dataset_id, modality, labels, artifact, bytes, report)
                VALUES (:id, :tenantId, :jobId, :baseModel, :datasetId, :modality, :labelsJson::jsonb, :artifact, :bytes, :reportJson::jsonb)
                """).paramSource(model).update();
    }

    /** Any tenant's model: for workers, which train what a tenant's job was admitted with. */
    public Optional<ModelRow> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM fine_tuned_models WHERE id = :id").param("id", id)
                .query(ModelRegistry::row).optional();
    }

    /** The tenant's model; another tenant's is as absent as a missing one. */
    public Optional<ModelRow> find(String tenantId, String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM fine_tuned_models WHERE id = :id AND tenant_id = :tenant")
                .param("id", id).param("tenant", tenantId).query(ModelRegistry::row).optional();
    }

    /** Newest first, starting after {@code beforeSeq} (null: from the newest). */
    List<ModelRow> newestFirst(String tenantId, Long beforeSeq, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM fine_tuned_models WHERE tenant_id = :tenant"
                + " AND (:before::bigint IS NULL OR seq < :before) ORDER BY seq DESC LIMIT :limit")
                .param("tenant", tenantId).param("before", beforeSeq).param("limit", limit)
                .query(ModelRegistry::row).list();
    }

    Optional<Long> seqOf(String tenantId, String id) {
        return jdbc.sql("SELECT seq FROM fine_tuned_models WHERE id = :id AND tenant_id = :tenant")
                .param("id", id).param("tenant", tenantId).query(Long.class).optional();
    }

    /** The tenant's fine-tuned and imported models, for its model quota. */
    public long countOwned(String tenantId) {
        return jdbc.sql("""
                SELECT (SELECT count(*) FROM fine_tuned_models WHERE tenant_id = :tenant)
                     + (SELECT count(*) FROM imported_models WHERE tenant_id = :tenant)
                """).param("tenant", tenantId).query(Long.class).single();
    }

    boolean delete(String id) {
        return jdbc.sql("DELETE FROM fine_tuned_models WHERE id = :id").param("id", id).update() == 1;
    }

    private static ModelRow row(ResultSet rs, int i) throws SQLException {
        return new ModelRow(rs.getString("id"), rs.getString("tenant_id"), rs.getString("job_id"), rs.getString("base_model"),
                rs.getString("dataset_id"), rs.getString("modality"), rs.getString("labels"), rs.getString("artifact"),
                rs.getLong("bytes"), rs.getString("report"), rs.getTimestamp("created_at").toInstant());
    }
}
