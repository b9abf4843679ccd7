package dev.graft.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file written but not yet published. Closing it deletes the file unless it was committed,
 * so {@code try (StagedArtifact s = store.stage(in)) { ... }} never leaks a staged upload.
 */
public final class StagedArtifact implements AutoCloseable {

    private final Path path;
    private final long size;
    private final String sha256;
    private boolean committed;

    StagedArtifact(Path path, long size, String sha256) {
        this.path = path;
        this.size = size;
        this.sha256 = sha256;
    }

    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    /** Lower-case hex SHA-256 of the content. */
    public String sha256() {
        return sha256;
    }

    void markCommitted() {
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            Files.deleteIfExists(path);
        }
    }
}
