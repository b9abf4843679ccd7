package dev.graft.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.graft.basemodel.Backbone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feature extraction's shortcut: a frozen backbone in inference mode maps an example to the same
 * embedding in every epoch, so each embedding is computed once and the head trains on the cache.
 * Epochs then cost a linear layer's worth of work. (Which is also why feature extraction never
 * augments: an augmented image would need a fresh backbone pass.)
 *
 * <p>With a key for the backbone ({@link EmbeddingKeys}), each image's embedding is also kept in
 * {@link DiskCache} (one file per base, preprocessing and example), so that another job on the same
 * data, and every candidate and fold of strategy {@code auto}, only reads it.
 */
final class EmbeddingCache {

    private static final AtomicLong COMPUTED = new AtomicLong();
    private static final AtomicLong READ = new AtomicLong();
    /** Four RGB images at 224 px. */
    static final long CHUNK_VALUES = 4L * 3 * 224 * 224;

    private EmbeddingCache() {
    }

    static EncodedSplit embed(Backbone backbone, EncodedSplit split, NDManager manager,
            int batchSize, String baseKey) {
        return EncodedSplit.ofEmbeddings(rows(backbone, split, manager, batchSize, baseKey), split.labels());
    }

    /** Embeddings this process computed with the backbone, and read back from disk, since it started. */
    static long computed() {
        return COMPUTED.get();
    }

    static long read() {
        return READ.get();
    }

    /**
     * The backbone's embedding of each example, in inference mode, one sub-manager per batch.
     *
     * @param baseKey names the backbone's weights and the preprocessing ({@link EmbeddingKeys}), or
     *     null to compute everything and keep nothing on disk
     */
    static float[][] rows(Backbone backbone, EncodedSplit split, NDManager manager, int batchSize,
            String baseKey) {
        int n = split.size();
        float[][] rows = new float[n][];
        int size = backbone.embeddingSize();
        String[] identities = split.identities();
        Path[] files = new Path[n];
        int[] missing = new int[n];
        int m = 0;
        Path dir = baseKey == null || identities == null ? null : DiskCache.directory("embeddings").resolve(baseKey);
        for (int i = 0; i < n; i++) {
            if (dir != null) {
                files[i] = dir.resolve(DiskCache.key(identities[i]) + ".f32");
                rows[i] = load(files[i], size);
            }
            if (rows[i] == null) {
                missing[m++] = i;
            }
        }
        READ.addAndGet(n - m);
        int chunk = chunk(split, batchSize);
        for (int start = 0; start < m; start += chunk) {
            int[] batch = Arrays.copyOfRange(missing, start, Math.min(m, start + chunk));
            try (NDManager scope = manager.newSubManager()) {
                float[] flat = backbone.forward(new ParameterStore(scope, false),
                        new NDList(split.inputs(scope, batch, null)), false)
                        .singletonOrThrow().toFloatArray();
                for (int i = 0; i < batch.length; i++) {
                    rows[batch[i]] = Arrays.copyOfRange(flat, i * size, (i + 1) * size);
                    if (dir != null) {
                        store(dir, files[batch[i]], rows[batch[i]]);
                    }
                }
            }
            COMPUTED.addAndGet(batch.length);
        }
        if (dir != null && m > 0) {
            DiskCache.evict(null);
        }
        return rows;
    }

    /**
     * Examples per forward pass: the batch size, but for large images no more than
     * {@value #CHUNK_VALUES} input values. Every intermediate array of a pass lives until its
     * sub-manager closes, so a pass holds all of the backbone's activations at once, as training
     * does (MobileNetV2: 16 photos at 224 px took a worker from 0.8 to 2.2 GB); on a CPU a pass of
     * 4 is as fast per image as one of 16, and the embeddings are the same.
     */
    static int chunk(EncodedSplit split, int batchSize) {
        long values = Math.max(1, split.exampleShape().size());
        return (int) Math.max(1, Math.min(batchSize, CHUNK_VALUES / values));
    }

    // Raw little-endian floats; a file of another length (an older format, a torn copy) is a miss.
    private static float[] load(Path file, int size) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != size * Float.BYTES) {
                return null;
            }
            float[] row = new float[size];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(row);
            DiskCache.touch(file);
            return row;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the cached embedding " + file, e);
        }
    }

    private static void store(Path dir, Path file, float[] row) {
        try {
            Files.createDirectories(dir);
            ByteBuffer bytes = ByteBuffer.allocate(row.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(row);
            Path temporary = Files.createTempFile(dir, "row", ".tmp");
            try {
                Files.write(temporary, bytes.array());
                DiskCache.publish(temporary, file);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the embedding cache " + dir, e);
        }
    }
}
