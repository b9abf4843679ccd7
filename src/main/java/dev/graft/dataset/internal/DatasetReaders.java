package dev.graft.dataset.internal;

/** The reader for each upload format. */
public final class DatasetReaders {

    private DatasetReaders() {
    }

    public static DatasetReader forFormat(DatasetFormat format) {
        return switch (format) {
            case IMAGE_FOLDER -> new ImageFolderReader();
            case CSV -> new CsvReader();
            case TEXT -> new TextReader();
        };
    }
}
