package dev.graft.dataset.internal;

import java.util.Arrays;
import java.util.Optional;

/** The upload formats Graft accepts, by their wire names. */
public enum DatasetFormat {
    IMAGE_FOLDER("image_folder"),
    CSV("csv"),
    TEXT("text");

    private final String wireName;

    DatasetFormat(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<DatasetFormat> fromWireName(String name) {
        return Arrays.stream(values()).filter(f -> f.wireName.equals(name)).findFirst();
    }
}
