package dev.graft.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Names a frozen backbone for {@link EmbeddingCache}'s files: everything an embedding depends on
 * but the example itself. That is the base's weights by content (a base replaced under the same id
 * gets new files), its architecture, and the image preprocessing (size, normalisation, and the
 * resizing code's version in {@link PixelFile#VERSION}).
 */
final class EmbeddingKeys {

    private static final String VERSION = "embeddings-v1";
    /** Content hashes by path, size and modification time: a search hashes its base once, not per fold. */
    private static final Map<String, String> HASHES = new ConcurrentHashMap<>();

    private EmbeddingKeys() {
    }

    /**
     * The key, or null where nothing should be kept: inputs other than images, and backbones whose
     * weights are drawn at random for this run (an architecture trained from scratch).
     */
    static String of(BaseModel base, StartingPoint start) {
        Preprocessing.ImageScaling s = start.preprocessing().image();
        if (s == null || !start.pretrained()) {
            return null;
        }
        String weights;
        if (base instanceof BaseModel.Artifact artifact) {
            weights = directoryHash(artifact.directory());
        } else if (base instanceof BaseModel.TorchScript ts) {
            weights = fileHash(ts.file());
        } else {
            return null;
        }
        return DiskCache.key(VERSION, PixelFile.VERSION, start.spec().toString(), weights,
                s.channels() + "x" + s.height() + "x" + s.width(), Arrays.toString(s.mean()),
                Arrays.toString(s.std()));
    }

    // Every file of the artifact (descriptor, weights, a TorchScript module), in name order; not
    // the hidden partial copies a catalog base is refreshed through.
    private static String directoryHash(Path directory) {
        List<String> parts = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : files.filter(f -> !f.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile).sorted().toList()) {
                parts.add(p.getFileName().toString());
                parts.add(fileHash(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the base " + directory, e);
        }
        return DiskCache.key(parts.toArray(String[]::new));
    }

    private static String fileHash(Path file) {
        try {
            String stamp = file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file);
            String known = HASHES.get(stamp);
            if (known != null) {
                return known;
            }
            MessageDigest digest = DiskCache.sha256();
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            String hash = HexFormat.of().formatHex(digest.digest());
            HASHES.put(stamp, hash);
            return hash;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the base's file " + file, e);
        }
    }
}
