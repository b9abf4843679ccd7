package dev.graft.database;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a failed embedded-database start into Spring Boot's short "APPLICATION FAILED TO START"
 * report (description + action) instead of a stack-trace wall.
 */
class EmbeddedDatabaseFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedDatabaseStartException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedDatabaseStartException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Point Graft at a PostgreSQL server instead, for example\n"
                        + "    SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:5432/graft "
                        + "SPRING_DATASOURCE_USERNAME=postgres ./mvnw spring-boot:run\n"
                        + "(or set graft.database.url). If another Graft process is using "
                        + cause.dataDirectory() + ", stop it or set graft.database.embedded.data-directory.",
                cause);
    }
}
