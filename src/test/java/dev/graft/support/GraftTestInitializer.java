package dev.graft.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Points a test application context at the shared test database and at an artifact store of its
 * own under {@code target/}, so tests never touch {@code ./data}.
 */
public class GraftTestInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestDatabase.Connection db = TestDatabase.connection();
        List<String> properties = new ArrayList<>();
        properties.add("spring.datasource.url=" + db.url());
        if (db.username() != null) {
            properties.add("spring.datasource.username=" + db.username());
            properties.add("spring.datasource.password=" + db.password());
        }
        properties.add("graft.storage.root=" + newStorageRoot());
        // No child worker processes unless a test asks for them (with @TestPropertySource, which
        // these values would otherwise override): most tests exercise the API alone.
        var inlined = context.getEnvironment().getPropertySources().get("Inlined Test Properties");
        if (inlined == null || !inlined.containsProperty("graft.mode")) {
            properties.add("graft.mode=api");
        }
        // Test classes share one database and, in open mode, one tenant: per-tenant quotas and rates
        // would couple unrelated tests. They are off unless a test sets them (LimitsTest does).
        for (String limit : List.of("graft.limits.datasets-per-tenant", "graft.limits.models-per-tenant",
                "graft.limits.uploads-in-flight-per-tenant", "graft.limits.predictions-per-second",
                "graft.jobs.max-running-per-tenant", "graft.jobs.event-streams.max-per-tenant")) {
            if (inlined == null || !inlined.containsProperty(limit)) {
                properties.add(limit + "=0");
            }
        }
        TestPropertyValues.of(properties).applyTo(context);
    }

    public static Path newStorageRoot() {
        try {
            Path base = Files.createDirectories(Path.of("target", "test-artifacts"));
            return Files.createTempDirectory(base.toAbsolutePath(), "store-");
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
