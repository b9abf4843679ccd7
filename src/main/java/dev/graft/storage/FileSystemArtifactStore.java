package dev.graft.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/**
 * The default {@link ArtifactStore}: a directory tree under {@code graft.storage.root}.
 * Staged files live in {@code root/.staging} on the same file system as the artifacts, so that
 * publishing is a single atomic rename.
 */
@Component
class FileSystemArtifactStore implements ArtifactStore {

    /** Keys are plain relative names: no "..", no absolute paths, no empty or hidden segments. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:-]*(/[A-Za-z0-9_][A-Za-z0-9_.:-]*)*");

    private final Path root;
    private final Path staging;

    FileSystemArtifactStore(StorageProperties properties) {
        this.root = properties.root().toAbsolutePath().normalize();
        this.staging = root.resolve(".staging");
        try {
            Files.createDirectories(staging);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create artifact store directory " + staging, e);
        }
    }

    @Override
    public StagedArtifact stage(InputStream content) throws IOException {
        Path file = Files.createTempFile(staging, "upload-", ".part");
        MessageDigest digest = sha256();
        long size;
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
            size = content.transferTo(out);
        }
        catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new StagedArtifact(file, size, HexFormat.of().formatHex(digest.digest()));
    }

    @Override
    public void commit(StagedArtifact staged, String key) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        try {
            Files.move(staged.path(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (AtomicMoveNotSupportedException e) {
            throw new IOException("Artifact store root " + root + " does not support atomic moves", e);
        }
        staged.markCommitted();
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        try (StagedArtifact staged = stage(new java.io.ByteArrayInputStream(content))) {
            commit(staged, key);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(resolve(key));
    }

    @Override
    public Path localPath(String key) throws IOException {
        Path path = resolve(key);
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(key);
        }
        return path;
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(resolve(key));
    }

    @Override
    public Path directory(String prefix) throws IOException {
        return Files.createDirectories(resolve(prefix));
    }

    @Override
    public void deleteAll(String prefix) throws IOException {
        Path dir = resolve(prefix);
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private Path resolve(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("Invalid artifact key: " + key);
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root) || path.startsWith(staging)) {
            throw new IllegalArgumentException("Artifact key escapes the store: " + key);
        }
        return path;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
