package dev.graft.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where Graft keeps files: dataset uploads, splits, later model weights and checkpoints.
 * Keys are relative slash-separated names such as {@code datasets/ds_x/data.zip}.
 *
 * <p>Writes are two-phase: content is first {@linkplain #stage staged} into a local file the
 * caller can inspect (validation needs random access to a ZIP), then {@linkplain #commit
 * committed} under its key with an atomic move, so a reader never sees a half-written artifact
 * and a crash leaves at most an invisible staged file behind.
 */
public interface ArtifactStore {

    /** Streams {@code content} into a new staged file, hashing it on the way. */
    StagedArtifact stage(InputStream content) throws IOException;

    /** Atomically publishes a staged file under {@code key}, replacing any previous artifact. */
    void commit(StagedArtifact staged, String key) throws IOException;

    /** Writes small content atomically (staged then committed). */
    void put(String key, byte[] content) throws IOException;

    InputStream open(String key) throws IOException;

    /** A local path to read the artifact from (the file itself for the local store). */
    Path localPath(String key) throws IOException;

    boolean exists(String key);

    /**
     * A local directory for {@code prefix}, created if missing, for writers that produce a tree
     * of files (model artifacts, checkpoints); they make their own writes atomic.
     */
    Path directory(String prefix) throws IOException;

    /** Deletes every artifact whose key starts with {@code prefix + "/"}; missing is not an error. */
    void deleteAll(String prefix) throws IOException;
}
