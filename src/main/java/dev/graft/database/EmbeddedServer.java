package dev.graft.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL server with password logins only. zonky initialises a data directory
 * with {@code trust} for every local connection, which makes any local user a superuser; here
 * initdb is told to use SCRAM with a generated superuser password instead, and every start
 * rewrites pg_hba.conf to allow nothing else. A data directory made by an older Graft (trust, no
 * password) is converted on its first start: the password is set and pg_hba.conf replaced before
 * the application connects.
 */
final class EmbeddedServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);

    static final String SUPERUSER = "postgres";
    static final String SUPERUSER_PASSWORD_FILE = "graft-superuser.password";
    static final String HBA = """
            # Written by Graft at every start of its embedded server: password (SCRAM) logins only.
            # TYPE  DATABASE  USER  ADDRESS        METHOD
            local   all       all                  scram-sha-256
            host    all       all   127.0.0.1/32   scram-sha-256
            host    all       all   ::1/128        scram-sha-256
            """;

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final String superuserPassword;

    private EmbeddedServer(EmbeddedPostgres postgres, Path dataDirectory, String superuserPassword) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.superuserPassword = superuserPassword;
    }

    static EmbeddedServer start(Path dataDirectory, EmbeddedPostgres.Builder builder) throws IOException {
        Path passwordFile = dataDirectory.resolve(SUPERUSER_PASSWORD_FILE);
        // initdb needs an empty directory, so its password file waits beside it until initdb has run.
        Path pending = dataDirectory.resolveSibling("." + dataDirectory.getFileName() + "-" + SUPERUSER_PASSWORD_FILE);
        boolean initialised = Files.exists(dataDirectory.resolve("postgresql.conf"));
        boolean legacy = initialised && !Files.exists(passwordFile) && !Files.exists(pending);
        String password;
        if (Files.exists(passwordFile)) {
            password = Passwords.read(passwordFile);
        }
        else if (legacy) {
            password = Passwords.generate();
        }
        else {
            Files.createDirectories(dataDirectory.toAbsolutePath().getParent());
            password = Passwords.readOrCreate(pending);
        }
        if (!initialised) {
            // zonky runs "initdb -A trust" followed by these: the later --auth wins.
            builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", pending.toString());
        }
        builder.setConnectConfig("password", password).setDataDirectoryCustomizer(directory -> {
            try {
                if (Files.exists(pending)) {
                    Files.move(pending, passwordFile, StandardCopyOption.ATOMIC_MOVE);
                }
                if (!legacy) {
                    Files.writeString(dataDirectory.resolve("pg_hba.conf"), HBA);
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        EmbeddedServer server = new EmbeddedServer(builder.start(), dataDirectory, password);
        if (legacy) {
            server.requirePasswords(passwordFile);
        }
        return server;
    }

    /** An older data directory, started with trust: set the password, then stop trusting anyone. */
    private void requirePasswords(Path passwordFile) throws IOException {
        log.info("Embedded PostgreSQL in {} accepted any local user; setting a generated password and "
                + "requiring it from now on", dataDirectory);
        try (Connection connection = superuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + superuserPassword + "'");
            Passwords.write(passwordFile, superuserPassword);
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), HBA);
            statement.execute("SELECT pg_reload_conf()");
        }
        catch (SQLException e) {
            throw new IOException("Could not set the embedded server's superuser password", e);
        }
    }

    /** A connection as the superuser, for setting up the application's role and database. */
    Connection superuser(String database) throws SQLException {
        return postgres.getDatabase(SUPERUSER, database).getConnection();
    }

    int port() {
        return postgres.getPort();
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    void close() throws IOException {
        postgres.close();
    }
}
