package dev.graft.database;

import java.nio.file.Path;

/** The embedded PostgreSQL server could not start; reported by {@link EmbeddedDatabaseFailureAnalyzer}. */
class EmbeddedDatabaseStartException extends RuntimeException {

    private final Path dataDirectory;

    EmbeddedDatabaseStartException(Path dataDirectory, Throwable cause) {
        super("Embedded PostgreSQL could not start with data directory " + dataDirectory + ": " + rootMessage(cause), cause);
        this.dataDirectory = dataDirectory;
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
