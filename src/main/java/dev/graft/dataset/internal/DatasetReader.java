package dev.graft.dataset.internal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads and validates one upload format. Problems go into {@code errors}; the returned scan is
 * only meaningful when {@code errors} stayed empty. Class-level rules (at least two classes, a
 * minimum per class) are checked once for all formats by {@link DatasetValidator}.
 */
public interface DatasetReader {

    DatasetFormat format();

    ScannedDataset scan(Path file, ReadOptions options, DatasetErrors errors) throws IOException;
}
