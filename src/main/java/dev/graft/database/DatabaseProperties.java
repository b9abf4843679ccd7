package dev.graft.database;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where Graft keeps its state. With no {@code url} (and no {@code spring.datasource.url}) Graft
 * starts an embedded PostgreSQL server whose data lives in {@code embedded.data-directory}.
 */
@Validated
@ConfigurationProperties("graft.database")
public record DatabaseProperties(
        String url,
        @DefaultValue Embedded embedded) {

    public record Embedded(
            @DefaultValue("./data/postgres") Path dataDirectory,
            /* 0 picks a free port at every start: only this process talks to the embedded server. */
            @DefaultValue("0") int port,
            @DefaultValue("60s") Duration startTimeout) {
    }
}
