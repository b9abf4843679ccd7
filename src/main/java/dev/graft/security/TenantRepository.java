package dev.graft.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code tenants} table. */
@Repository
class TenantRepository {

    private final JdbcClient jdbc;

    TenantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record TenantRow(String id, long seq, String name, Instant createdAt) {
    }

    void insert(String id, String name) {
        jdbc.sql("INSERT INTO tenants (id, name) VALUES (:id, :name)").param("id", id).param("name", name).update();
    }

    Optional<TenantRow> find(String id) {
        return jdbc.sql("SELECT * FROM tenants WHERE id = :id").param("id", id).query(TenantRepository::row).optional();
    }

    /** Oldest first, after {@code afterSeq}; {@code limit} is the page size plus one. */
    List<TenantRow> page(long afterSeq, int limit) {
        return jdbc.sql("SELECT * FROM tenants WHERE seq > :after ORDER BY seq LIMIT :limit")
                .param("after", afterSeq).param("limit", limit).query(TenantRepository::row).list();
    }

    private static TenantRow row(ResultSet rs, int i) throws SQLException {
        return new TenantRow(rs.getString("id"), rs.getLong("seq"), rs.getString("name"),
                rs.getTimestamp("created_at").toInstant());
    }
}
