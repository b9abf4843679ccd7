package dev.graft.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/**
 * A split ready to cut batches from, each step: token ids (text) or floats (tables, sentence and
 * cached embeddings) held in memory, or, for images, a {@link PixelFile} of resized pixels on disk
 * that each batch reads and normalises, so that photos are never all held as floats at once.
 */
final class EncodedSplit {

    private final Shape exampleShape;
    private final float[][] floats;
    private final long[][] tokens;
    private final PixelFile pixels;
    private final Preprocessing.ImageScaling scaling;
    private final String[] identities;
    private final int[] labels;

    private EncodedSplit(Shape exampleShape, float[][] floats, long[][] tokens, PixelFile pixels,
            Preprocessing.ImageScaling scaling, String[] identities, int[] labels) {
        this.exampleShape = exampleShape;
        this.floats = floats;
        this.tokens = tokens;
        this.pixels = pixels;
        this.scaling = scaling;
        this.identities = identities;
        this.labels = labels;
    }

    static EncodedSplit encode(Preprocessor preprocessor, List<Example> examples,
            Shape exampleShape) {
        int n = examples.size();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = examples.get(i).label();
        }
        Preprocessing p = preprocessor.preprocessing();
        if (p.image() != null && n > 0) {
            String[] identities = new String[n];
            for (int i = 0; i < n; i++) {
                identities[i] = PixelFile.identity(examples.get(i).input());
            }
            Preprocessing.ImageScaling s = p.image();
            PixelFile file = PixelFile.of(examples, identities, s.channels(), s.height(), s.width());
            return new EncodedSplit(exampleShape, null, null, file, s, identities, labels);
        }
        boolean text = p.text() != null;
        float[][] floats = text ? null : new float[n][];
        long[][] tokens = text ? new long[n][] : null;
        for (int i = 0; i < n; i++) {
            Example e = examples.get(i);
            if (text) {
                tokens[i] = preprocessor.tokens(e.input());
            } else {
                floats[i] = preprocessor.floats(e.input());
            }
        }
        return new EncodedSplit(exampleShape, floats, tokens, null, null, null, labels);
    }

    static EncodedSplit ofEmbeddings(float[][] embeddings, int[] labels) {
        int size = embeddings.length == 0 ? 0 : embeddings[0].length;
        return new EncodedSplit(new Shape(size), embeddings, null, null, null, null, labels);
    }

    int size() {
        return labels.length;
    }

    int[] labels() {
        return labels;
    }

    Shape exampleShape() {
        return exampleShape;
    }

    /** What each example is, for caches of what is computed from it; null unless the split holds images. */
    String[] identities() {
        return identities;
    }

    /** The pixel file behind an image split, or null. */
    PixelFile pixels() {
        return pixels;
    }

    /** Bytes of example data this split keeps in memory between batches (labels aside). */
    long residentBytes() {
        long bytes = 0;
        if (floats != null) {
            for (float[] row : floats) {
                bytes += (long) row.length * Float.BYTES;
            }
        }
        if (tokens != null) {
            for (long[] row : tokens) {
                bytes += (long) row.length * Long.BYTES;
            }
        }
        return bytes;
    }

    /**
     * The inputs at {@code indices} as one batch tensor.
     *
     * @param augmentation applied to each image, or null
     */
    NDArray inputs(NDManager manager, int[] indices, Augmentation augmentation) {
        Shape shape = new Shape(indices.length).addAll(exampleShape);
        int width = Math.toIntExact(exampleShape.size());
        if (tokens != null) {
            long[] flat = new long[indices.length * width];
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(tokens[indices[i]], 0, flat, i * width, width);
            }
            return manager.create(flat, shape);
        }
        float[] flat = new float[indices.length * width];
        float[] pixelRow = pixels == null ? null : new float[width];
        ByteBuffer buffer = pixels == null ? null : pixels.rowBuffer();
        for (int i = 0; i < indices.length; i++) {
            float[] row;
            if (pixels != null) {
                pixels.read(indices[i], buffer, pixelRow);
                normalise(pixelRow);
                row = pixelRow;
            } else {
                row = floats[indices[i]];
            }
            if (augmentation != null) {
                row = augmentation.apply(row, exampleShape);
            }
            System.arraycopy(row, 0, flat, i * width, width);
        }
        return manager.create(flat, shape);
    }

    // The same arithmetic as Preprocessor.floats, so a row is what prediction would compute.
    private void normalise(float[] x) {
        int plane = scaling.height() * scaling.width();
        for (int i = 0; i < x.length; i++) {
            int c = i / plane;
            x[i] = (x[i] - scaling.mean()[c]) / scaling.std()[c];
        }
    }

    NDArray labels(NDManager manager, int[] indices) {
        long[] out = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = labels[indices[i]];
        }
        return manager.create(out);
    }

    /**
     * Light image augmentation for training, by policy: a random shift of up to 2 pixels and a
     * random scale of 0.9-1.1 about the centre, and (only when asked) a horizontal flip.
     */
    static final class Augmentation {

        private static final int PAD = 2;
        private static final double SCALE = 0.1;
        private final Random random;
        private final boolean flips;

        /** Seeded per epoch so that a resumed run draws the same transforms as an unbroken one. */
        Augmentation(long seed, int epoch, Hyperparameters.Augment policy) {
            this.random = new Random(seed * 1_000_003L + epoch);
            this.flips = policy == Hyperparameters.Augment.SHIFT_SCALE_FLIP;
        }

        float[] apply(float[] chw, Shape shape) {
            int c = (int) shape.get(0);
            int h = (int) shape.get(1);
            int w = (int) shape.get(2);
            int dy = random.nextInt(2 * PAD + 1) - PAD;
            int dx = random.nextInt(2 * PAD + 1) - PAD;
            double scale = 1 + SCALE * (2 * random.nextDouble() - 1);
            boolean flip = flips && random.nextBoolean();
            float[] out = new float[chw.length];
            double cy = (h - 1) / 2.0;
            double cx = (w - 1) / 2.0;
            // Nearest-neighbour sampling; pixels from outside are 0, the channel mean after
            // normalisation.
            for (int y = 0; y < h; y++) {
                int sy = (int) Math.round(cy + (y - cy) / scale) + dy;
                if (sy < 0 || sy >= h) {
                    continue;
                }
                for (int x = 0; x < w; x++) {
                    int tx = flip ? w - 1 - x : x;
                    int sx = (int) Math.round(cx + (tx - cx) / scale) + dx;
                    if (sx < 0 || sx >= w) {
                        continue;
                    }
                    for (int ch = 0; ch < c; ch++) {
                        out[(ch * h + y) * w + x] = chw[(ch * h + sy) * w + sx];
                    }
                }
            }
            return out;
        }
    }
}
