package dev.graft.worker;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes an idle worker when a job is queued, through PostgreSQL LISTEN/NOTIFY. A notification
 * is only a hint (the jobs table is the truth), so it runs on its own connection outside the
 * pool, and every wait is bounded by the slow poll interval in case one is missed or the
 * connection drops. pgjdbc delivers notifications only when asked, hence the blocking
 * {@code getNotifications(timeout)}.
 */
final class QueueListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueListener.class);

    private final String url;
    private final String username;
    private final String password;
    private final String channel;
    private Connection connection;

    QueueListener(DataSource dataSource, String channel) {
        HikariDataSource hikari = (HikariDataSource) dataSource;
        this.url = hikari.getJdbcUrl();
        this.username = hikari.getUsername();
        this.password = hikari.getPassword();
        this.channel = channel;
    }

    /** Blocks until a job may be waiting or {@code max} has passed. */
    void awaitJob(Duration max) throws InterruptedException {
        try {
            PGNotification[] notifications = connection().unwrap(PGConnection.class).getNotifications((int) Math.max(1, max.toMillis()));
            if (notifications != null && notifications.length > 0) {
                log.debug("Woken by {} notification(s)", notifications.length);
            }
        }
        catch (SQLException e) {
            log.warn("LISTEN connection failed ({}); polling until it is back", e.getMessage());
            closeQuietly();
            Thread.sleep(max.toMillis());
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = username == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, username, password);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + channel);
            }
        }
        return connection;
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        }
        catch (SQLException ignored) {
            // already broken
        }
        connection = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
