package dev.graft.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code api_keys} table: key hashes, never keys. */
@Repository
class ApiKeyRepository {

    private final JdbcClient jdbc;

    ApiKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record KeyRow(String id, long seq, String tenantId, String name, String prefix, Instant createdAt, Instant lastUsedAt,
            Instant revokedAt) {
    }

    void insert(String id, String tenantId, String name, String prefix, String hash) {
        jdbc.sql("INSERT INTO api_keys (id, tenant_id, name, prefix, hash) VALUES (:id, :tenant, :name, :prefix, :hash)")
                .param("id", id).param("tenant", tenantId).param("name", name).param("prefix", prefix).param("hash", hash)
                .update();
    }

    /** The live key with this hash. */
    Optional<KeyRow> findActiveByHash(String hash) {
        return jdbc.sql("SELECT * FROM api_keys WHERE hash = :hash AND revoked_at IS NULL").param("hash", hash)
                .query(ApiKeyRepository::row).optional();
    }

    Optional<KeyRow> find(String id) {
        return jdbc.sql("SELECT * FROM api_keys WHERE id = :id").param("id", id).query(ApiKeyRepository::row).optional();
    }

    List<KeyRow> ofTenant(String tenantId, long afterSeq, int limit) {
        return jdbc.sql("SELECT * FROM api_keys WHERE tenant_id = :tenant AND seq > :after ORDER BY seq LIMIT :limit")
                .param("tenant", tenantId).param("after", afterSeq).param("limit", limit)
                .query(ApiKeyRepository::row).list();
    }

    boolean revoke(String id) {
        return jdbc.sql("UPDATE api_keys SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL")
                .param("id", id).update() == 1;
    }

    /** At most one write a minute per key: a busy key must not turn every request into an UPDATE. */
    void touch(String id) {
        jdbc.sql("""
                UPDATE api_keys SET last_used_at = now()
                WHERE id = :id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
                """).param("id", id).update();
    }

    private static KeyRow row(ResultSet rs, int i) throws SQLException {
        return new KeyRow(rs.getString("id"), rs.getLong("seq"), rs.getString("tenant_id"), rs.getString("name"),
                rs.getString("prefix"), rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("last_used_at")),
                instant(rs.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
