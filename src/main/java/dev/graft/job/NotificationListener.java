package dev.graft.job;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL LISTEN on one channel: wakes an idle worker when a job is queued, and live event
 * streams when a job has a new event. A notification is only a hint (the tables are the truth), so
 * it runs on its own connection outside the pool, and every wait is bounded by a slow poll interval
 * in case one is missed or the connection drops. pgjdbc delivers notifications only when asked,
 * hence the blocking {@code getNotifications(timeout)}. One thread waits on a listener at a time.
 */
public final class NotificationListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NotificationListener.class);

    private final String url;
    private final String username;
    private final String password;
    private final String channel;
    private final Runnable onListening;
    private Connection connection;
    private volatile boolean closed;

    public NotificationListener(DataSource dataSource, String channel) {
        this(dataSource, channel, () -> { });
    }

    /**
     * @param onListening run each time a connection starts listening, the first and after a
     *                    reconnect: notifications sent while there was none are lost, so whoever
     *                    waits on them should look at the tables once
     */
    public NotificationListener(DataSource dataSource, String channel, Runnable onListening) {
        HikariDataSource hikari = (HikariDataSource) dataSource;
        this.url = hikari.getJdbcUrl();
        this.username = hikari.getUsername();
        this.password = hikari.getPassword();
        this.channel = channel;
        this.onListening = onListening;
    }

    /** Blocks until a notification comes or {@code max} has passed; returns the payloads (none on a timeout). */
    public List<String> await(Duration max) throws InterruptedException {
        List<String> payloads = new ArrayList<>();
        try {
            PGNotification[] notifications = connection().unwrap(PGConnection.class).getNotifications((int) Math.max(1, max.toMillis()));
            if (notifications != null) {
                for (PGNotification notification : notifications) {
                    payloads.add(notification.getParameter());
                }
            }
        }
        catch (SQLException e) {
            closeQuietly();
            if (closed) {
                return payloads;
            }
            log.warn("LISTEN connection on {} failed ({}); polling until it is back", channel, e.getMessage());
            Thread.sleep(max.toMillis());
        }
        return payloads;
    }

    /** Connects and starts listening now rather than at the first wait, so no notification after this is missed. */
    public void listen() throws SQLException {
        connection();
    }

    private Connection connection() throws SQLException {
        if (closed) {
            throw new SQLException("the listener is closed");
        }
        if (connection == null || connection.isClosed()) {
            connection = username == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, username, password);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + channel);
            }
            onListening.run();
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
        closed = true;
        closeQuietly();
    }
}
