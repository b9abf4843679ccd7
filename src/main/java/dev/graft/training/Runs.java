package dev.graft.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What the extra runs (compare_baseline, the model search) share: figures and scratch files. */
final class Runs {

    private Runs() {
    }

    /** Four decimals: reports show measurements, not float noise. */
    static double round(double value) {
        return Math.round(value * 10000) / 10000.0;
    }

    /** The extra runs' artifacts are never kept: only their figures are. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the extra runs' files in " + dir, e);
        }
    }
}
