package dev.graft.training;

import java.awt.image.BufferedImage;
import java.util.function.Supplier;

/** One model input, in the raw form a dataset or an HTTP request provides. */
public sealed interface Input {

    /** A row of numeric features, in the column order the model was trained with. */
    record Tabular(float[] features) implements Input {
    }

    /** A decoded image of any size and colour model; it is resized and converted as needed. */
    record Image(BufferedImage image) implements Input {
    }

    /** A PNG or JPEG file's bytes. */
    record EncodedImage(byte[] bytes) implements Input {
    }

    /**
     * An image file kept in storage and read each time it is needed, so that a split of photos
     * is never held in memory.
     *
     * @param identity names the file's content (caches key on it): equal identities, equal bytes
     */
    record StoredImage(String identity, Supplier<byte[]> bytes) implements Input {
    }

    record Text(String text) implements Input {
    }
}
