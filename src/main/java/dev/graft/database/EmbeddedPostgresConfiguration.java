package dev.graft.database;

import java.io.IOException;
import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Starts a real PostgreSQL server in-process when no database is configured, so that
 * {@code ./mvnw spring-boot:run} works on a fresh machine with nothing else installed.
 * The data directory is kept on close (zonky deletes it by default), so state survives restarts.
 * The server takes password logins only ({@link EmbeddedServer}) and the application connects as
 * a role that is no superuser ({@link AppDatabase}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(ExternalDatabaseNotConfigured.class)
class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedServer embeddedServer(DatabaseProperties properties) {
        Path dataDirectory = properties.embedded().dataDirectory().toAbsolutePath().normalize();
        log.info("No database configured (spring.datasource.url / graft.database.url): "
                + "starting an embedded PostgreSQL server with its data in {}", dataDirectory);
        try {
            EmbeddedServer server = EmbeddedServer.start(dataDirectory, EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    // zonky's own shutdown hook would stop the server at once, in parallel with
                    // Spring's, while the workers still checkpoint and release their jobs through
                    // it. Spring closes this bean instead, after every lifecycle bean (the worker
                    // supervisor among them) has stopped and the pool has closed.
                    .setRegisterShutdownHook(false)
                    .setPort(properties.embedded().port())
                    .setPGStartupWait(properties.embedded().startTimeout()));
            log.info("Embedded PostgreSQL is up on 127.0.0.1:{}", server.port());
            return server;
        }
        catch (IOException | RuntimeException e) {
            throw new EmbeddedDatabaseStartException(dataDirectory, e);
        }
    }

    /**
     * Bound to {@code spring.datasource.hikari}, as Boot binds the pool it creates itself, so the
     * embedded server gets the same pool settings (timeouts) as an external one.
     */
    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(EmbeddedServer server) {
        String password;
        try {
            password = AppDatabase.prepare(server);
        }
        catch (IOException e) {
            throw new EmbeddedDatabaseStartException(server.dataDirectory(), e);
        }
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:postgresql://localhost:" + server.port() + "/" + AppDatabase.DATABASE);
        dataSource.setUsername(AppDatabase.ROLE);
        dataSource.setPassword(password);
        dataSource.setPoolName("graft-embedded");
        return dataSource;
    }
}
