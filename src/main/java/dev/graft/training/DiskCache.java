package dev.graft.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files derived from examples that later runs can reuse instead of recomputing: resized pixels
 * ({@link PixelFile}) and frozen embeddings ({@link EmbeddingCache}), under
 * {@code <data directory>/cache} unless configured. Names are hashes of everything a file's content
 * depends on, so a file is either right or absent. The directory is bounded: after each write the
 * least recently used files go until it fits. Several worker processes may share it: writes are
 * atomic renames, and a file deleted under a reader that has it open stays readable.
 */
public final class DiskCache {

    private static final Logger log = LoggerFactory.getLogger(DiskCache.class);
    private static volatile Path root;
    private static volatile long maxBytes = 4L << 30;

    private DiskCache() {
    }

    /**
     * Where the caches go (null: {@code <data directory>/cache}) and how large they may grow
     * together; a worker calls it before each job.
     */
    public static void configure(Path directory, long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("The cache size bound must be >= 0");
        }
        DiskCache.root = directory;
        DiskCache.maxBytes = maxBytes;
    }

    static Path directory(String kind) {
        Path base = root != null ? root : Engines.dataDirectory().resolve("cache");
        Path dir = base.resolve(kind);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the cache directory " + dir, e);
        }
    }

    /** A hex SHA-256 of the parts, each length-prefixed so that no two lists collide. */
    static String key(String... parts) {
        MessageDigest digest = sha256();
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) ':');
            digest.update(bytes);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes {@code content} under {@code target} at once; the caller wrote it to a temporary file beside it. */
    static void publish(Path temporary, Path target) throws IOException {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Marks a file as just used, so that eviction takes it last. */
    static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // Evicted by another worker meanwhile: the caller already has what it needs.
        }
    }

    /** Deletes the least recently used files until the cache fits its bound, never {@code keep}. */
    static synchronized void evict(Path keep) {
        Path base = root != null ? root : Engines.dataDirectory().resolve("cache");
        record Entry(Path path, long size, FileTime used) {
        }
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        try (Stream<Path> files = Files.walk(base)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        entries.add(new Entry(p, a.size(), a.lastModifiedTime()));
                        total += a.size();
                    }
                } catch (NoSuchFileException e) {
                    // Removed by another worker while we walked.
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("Cannot list the cache directory {}: {}", base, e.getMessage());
            return;
        }
        if (total <= maxBytes) {
            return;
        }
        entries.sort(Comparator.comparing(Entry::used));
        long freed = 0;
        for (Entry e : entries) {
            if (total - freed <= maxBytes) {
                break;
            }
            if (e.path().equals(keep)) {
                continue;
            }
            try {
                Files.deleteIfExists(e.path());
                freed += e.size();
            } catch (IOException ex) {
                log.warn("Cannot evict {}: {}", e.path(), ex.getMessage());
            }
        }
        log.info("Cache over its bound of {} bytes: evicted {} bytes", maxBytes, freed);
    }
}
