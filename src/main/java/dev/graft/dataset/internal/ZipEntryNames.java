package dev.graft.dataset.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Decides which archive entry names are unsafe (zip slip) and which are OS clutter to skip. */
final class ZipEntryNames {

    // A virtual extraction root: nothing is ever written, but resolving against a real absolute
    // path catches traversal the string checks might miss (the DJL path-traversal fix, CVE-2025-0851).
    private static final Path DEST = Path.of("/graft-dataset").toAbsolutePath();
    private static final Pattern DRIVE_LETTER = Pattern.compile("^[A-Za-z]:.*");
    private static final Set<String> JUNK_FILES = Set.of(".ds_store", "thumbs.db", "desktop.ini");

    private ZipEntryNames() {
    }

    /** Why the name may not be used, or empty when it is safe. */
    static Optional<String> unsafeReason(String name) {
        if (name.isEmpty()) {
            return Optional.of("empty entry name");
        }
        if (name.indexOf('\\') >= 0) {
            // Windows tools treat '\' as a separator, so "..\\x" would escape when extracted there.
            return Optional.of("entry name contains a backslash (zip slip)");
        }
        if (name.startsWith("/") || DRIVE_LETTER.matcher(name).matches()) {
            return Optional.of("absolute entry name (zip slip)");
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                return Optional.of("entry name contains a '..' segment (zip slip)");
            }
        }
        try {
            Path resolved = DEST.resolve(name).normalize();
            if (!resolved.startsWith(DEST) || resolved.equals(DEST)) {
                return Optional.of("entry name escapes the dataset folder (zip slip)");
            }
        } catch (InvalidPathException e) {
            return Optional.of("invalid entry name: " + e.getReason());
        }
        return Optional.empty();
    }

    /** Clutter added by macOS Finder, Windows Explorer or hidden-file habits; never a dataset file. */
    static boolean isJunk(String name) {
        String[] segments = name.split("/");
        if (segments[0].equals("__MACOSX")) {
            return true;
        }
        for (String segment : segments) {
            // Covers ".DS_Store", AppleDouble "._x.png" and hidden folders such as ".git".
            if (segment.startsWith(".")) {
                return true;
            }
        }
        return JUNK_FILES.contains(segments[segments.length - 1].toLowerCase(Locale.ROOT));
    }
}
