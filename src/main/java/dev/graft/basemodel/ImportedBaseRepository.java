package dev.graft.basemodel;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code imported_models} table. */
@Repository
class ImportedBaseRepository {

    private static final String COLUMNS = """
            id, tenant_id, name, format, modality, input_shape::text AS input_shape, normalisation::text AS normalisation,
            output_kind, embedding_size, artifact, bytes, sha256, created_at""";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ImportedBaseRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(ImportedBase m) {
        jdbc.sql("""
                INSERT INTO imported_models (id, tenant_id, name, format, modality, input_shape, normalisation, output_kind,
                    embedding_size, artifact, bytes, sha256)
                VALUES (:id, :tenant, :name, :format, :modality, :shape::jsonb, :normalisation::jsonb, :output, :embedding,
                    :artifact, :bytes, :sha256)
                """)
                .param("id", m.id()).param("tenant", m.tenantId()).param("name", m.name()).param("format", m.format()).param("modality", m.modality())
                .param("shape", json.writeValueAsString(m.inputShape()))
                .param("normalisation", json.writeValueAsString(new Normalisation(m.mean(), m.std())))
                .param("output", m.outputKind()).param("embedding", m.embeddingSize())
                .param("artifact", m.artifact()).param("bytes", m.bytes()).param("sha256", m.sha256())
                .update();
    }

    /** Any tenant's import (ids are unique across tenants): for workers, and to refuse a taken id. */
    Optional<ImportedBase> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM imported_models WHERE id = :id").param("id", id)
                .query(this::row).optional();
    }

    /** The tenant's imports, oldest first, so that the list order of base models is stable as imports are added. */
    List<ImportedBase> all(String tenantId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM imported_models WHERE tenant_id = :tenant ORDER BY seq")
                .param("tenant", tenantId).query(this::row).list();
    }

    boolean delete(String tenantId, String id) {
        return jdbc.sql("DELETE FROM imported_models WHERE id = :id AND tenant_id = :tenant")
                .param("id", id).param("tenant", tenantId).update() == 1;
    }

    record Normalisation(float[] mean, float[] std) {
    }

    private ImportedBase row(ResultSet rs, int i) throws SQLException {
        List<Integer> shape = new ArrayList<>();
        json.readTree(rs.getString("input_shape")).forEach(n -> shape.add(n.asInt()));
        JsonNode n = json.readTree(rs.getString("normalisation"));
        return new ImportedBase(rs.getString("id"), rs.getString("tenant_id"), rs.getString("name"), rs.getString("format"), rs.getString("modality"),
                List.copyOf(shape),
                floats(n.get("mean")), floats(n.get("std")), rs.getString("output_kind"), rs.getInt("embedding_size"),
                rs.getString("artifact"), rs.getLong("bytes"), rs.getString("sha256"),
                rs.getTimestamp("created_at").toInstant());
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
