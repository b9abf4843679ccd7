package dev.graft.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The embedded server's generated passwords, one per file, readable by this user only (0600), as
 * PostgreSQL wants its own files. 256 random bits in URL-safe base64: no quote or backslash, so
 * a password is also a safe SQL string literal.
 */
final class Passwords {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private Passwords() {
    }

    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String read(Path file) throws IOException {
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!password.matches("[A-Za-z0-9_-]{16,}")) {
            throw new IOException(file + " does not hold a password Graft generated");
        }
        return password;
    }

    /** Writes the file whole or not at all: a temporary file made 0600 from the start, then a rename. */
    static void write(Path file, String password) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".graft-", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            // initdb reads the first line of its --pwfile as the password.
            Files.writeString(tmp, password + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The password in {@code file}, generating and writing one if there is none yet. */
    static String readOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return read(file);
        }
        String password = generate();
        write(file, password);
        return password;
    }
}
