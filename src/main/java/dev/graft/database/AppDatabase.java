package dev.graft.database;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The role and database Graft uses on its embedded server: {@code graft}, a plain login role (no
 * superuser, no CREATEDB/CREATEROLE) that owns the {@code graft} database and everything in it,
 * with a generated password kept in the data directory. Made at the first start; a data
 * directory from an older Graft, whose tables live in the {@code postgres} database and belong to
 * the superuser, is converted: that database is renamed {@code graft} and handed over.
 */
final class AppDatabase {

    private static final Logger log = LoggerFactory.getLogger(AppDatabase.class);

    static final String ROLE = "graft";
    static final String DATABASE = "graft";
    static final String PASSWORD_FILE = "graft-app.password";

    private record Kind(String keyword, String relkinds) {
    }

    // Tables first: their serial sequences and indexes change owner with them.
    private static final List<Kind> KINDS = List.of(new Kind("TABLE", "'r', 'p'"), new Kind("VIEW", "'v'"),
            new Kind("MATERIALIZED VIEW", "'m'"), new Kind("SEQUENCE", "'S'"));

    private AppDatabase() {
    }

    /** Makes sure the role and database exist and belong together; returns the role's password. */
    static String prepare(EmbeddedServer server) throws IOException {
        // The file first: if the start stops before the role has it, the next start sets it again.
        String password = Passwords.readOrCreate(server.dataDirectory().resolve(PASSWORD_FILE));
        try {
            boolean legacyTables = !exists(server, "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")
                    && hasGraftTables(server);
            try (Connection connection = server.superuser("template1"); Statement sql = connection.createStatement()) {
                if (!exists(sql, "SELECT 1 FROM pg_roles WHERE rolname = '" + ROLE + "'")) {
                    sql.execute("CREATE ROLE " + ROLE);
                }
                sql.execute("ALTER ROLE " + ROLE + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                        + "NOBYPASSRLS PASSWORD '" + password + "'");
                if (legacyTables) {
                    log.info("Moving Graft's tables from the embedded server's postgres database to a database "
                            + "'{}' owned by the role '{}'", DATABASE, ROLE);
                    sql.execute("ALTER DATABASE postgres RENAME TO " + DATABASE);
                    // Tools, and the server's readiness check, expect a postgres database.
                    sql.execute("CREATE DATABASE postgres");
                }
                else if (!exists(sql, "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                    sql.execute("CREATE DATABASE " + DATABASE);
                }
                sql.execute("ALTER DATABASE " + DATABASE + " OWNER TO " + ROLE);
            }
            handOver(server);
        }
        catch (SQLException e) {
            throw new IOException("Could not prepare the embedded server's application role and database", e);
        }
        return password;
    }

    private static boolean hasGraftTables(EmbeddedServer server) throws SQLException {
        return exists(server, "postgres", "SELECT 1 WHERE to_regclass('public.flyway_schema_history') IS NOT NULL");
    }

    /**
     * Gives the role every table (with its indexes and serial sequences), view and standalone
     * sequence in the public schema, and the schema itself; nothing to do after the first start.
     */
    private static void handOver(EmbeddedServer server) throws SQLException {
        try (Connection connection = server.superuser(DATABASE); Statement sql = connection.createStatement()) {
            sql.execute("ALTER SCHEMA public OWNER TO " + ROLE);
            for (Kind kind : KINDS) {
                List<String> names = new ArrayList<>();
                try (ResultSet rows = sql.executeQuery("SELECT quote_ident(c.relname) FROM pg_class c "
                        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ("
                        + kind.relkinds() + ") AND pg_get_userbyid(c.relowner) <> '" + ROLE + "'")) {
                    while (rows.next()) {
                        names.add(rows.getString(1));
                    }
                }
                for (String name : names) {
                    sql.execute("ALTER " + kind.keyword() + " public." + name + " OWNER TO " + ROLE);
                }
            }
        }
    }

    private static boolean exists(EmbeddedServer server, String query) throws SQLException {
        return exists(server, "template1", query);
    }

    private static boolean exists(EmbeddedServer server, String database, String query) throws SQLException {
        try (Connection connection = server.superuser(database); Statement sql = connection.createStatement()) {
            return exists(sql, query);
        }
    }

    private static boolean exists(Statement sql, String query) throws SQLException {
        try (ResultSet rows = sql.executeQuery(query)) {
            return rows.next();
        }
    }
}
