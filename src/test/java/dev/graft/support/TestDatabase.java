package dev.graft.support;

import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The one PostgreSQL every test uses: the server named by {@code GRAFT_TEST_DATABASE_URL} (CI and
 * our machines, where {@code .ci/run} creates a fresh database), otherwise a Testcontainers
 * PostgreSQL container, started once per JVM. Never an in-memory stand-in.
 */
public final class TestDatabase {

    public static final String URL_VARIABLE = "GRAFT_TEST_DATABASE_URL";

    private static volatile Connection connection;

    /** JDBC URL, user and password of the test database. */
    public record Connection(String url, String username, String password) {
    }

    private TestDatabase() {
    }

    /**
     * Test classes share the database: cancel whatever jobs earlier classes left queued or
     * running, so this class's workers only see its own jobs.
     */
    public static void cancelLeftoverJobs(org.springframework.jdbc.core.simple.JdbcClient jdbc) {
        jdbc.sql("UPDATE fine_tuning_jobs SET status = 'cancelled', lease_token = NULL, lease_expires_at = NULL, "
                + "finished_at = now() WHERE status IN ('queued', 'running')").update();
    }

    public static Connection connection() {
        if (connection == null) {
            synchronized (TestDatabase.class) {
                if (connection == null) {
                    connection = open();
                }
            }
        }
        return connection;
    }

    private static Connection open() {
        String url = System.getenv(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            // User and password, if any, travel in the URL (…?user=postgres).
            return new Connection(url, null, null);
        }
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
        try {
            container.start();
        }
        catch (RuntimeException e) {
            throw new IllegalStateException("Tests need PostgreSQL: set " + URL_VARIABLE
                    + " (e.g. jdbc:postgresql://127.0.0.1:5432/graft_test?user=postgres) or run Docker for Testcontainers", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
        return new Connection(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }
}
