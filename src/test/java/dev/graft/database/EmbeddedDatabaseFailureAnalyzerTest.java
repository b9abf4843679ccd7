package dev.graft.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;

class EmbeddedDatabaseFailureAnalyzerTest {

    @TempDir
    Path dir;

    @Test
    void anUnusableDataDirectoryFailsWithAMessageThatSaysHowToUseAServer() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        EmbeddedPostgresConfiguration configuration = new EmbeddedPostgresConfiguration();
        DatabaseProperties properties = new DatabaseProperties(null,
                new DatabaseProperties.Embedded(notADirectory, 0, java.time.Duration.ofSeconds(10)));

        assertThatThrownBy(() -> configuration.embeddedServer(properties))
                .isInstanceOfSatisfying(EmbeddedDatabaseStartException.class, e -> {
                    FailureAnalysis analysis = new EmbeddedDatabaseFailureAnalyzer().analyze(e);
                    assertThat(analysis.getDescription()).contains("Embedded PostgreSQL could not start").contains(notADirectory.toString());
                    assertThat(analysis.getAction()).contains("SPRING_DATASOURCE_URL").contains("graft.database.url");
                });
    }
}
