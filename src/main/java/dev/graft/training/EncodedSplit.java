package dev.graft.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;

/**
 * A split with every example preprocessed once, up front: floats (images, tables, cached
 * embeddings) or token ids (text), plus labels. Batches are cut from here each step.
 */
final class EncodedSplit {

    private final Shape exampleShape;
    private final float[][] floats;
    private final long[][] tokens;
    private final int[] labels;

    private EncodedSplit(Shape exampleShape, float[][] floats, long[][] tokens, int[] labels) {
        this.exampleShape = exampleShape;
        this.floats = floats;
        this.tokens = tokens;
        this.labels = labels;
    }

    static EncodedSplit encode(Preprocessor preprocessor, List<Example> examples,
            Shape exampleShape) {
        int n = examples.size();
        int[] labels = new int[n];
        boolean text = preprocessor.preprocessing().text() != null;
        float[][] floats = text ? null : new float[n][];
        long[][] tokens = text ? new long[n][] : null;
        for (int i = 0; i < n; i++) {
            Example e = examples.get(i);
            labels[i] = e.label();
            if (text) {
                tokens[i] = preprocessor.tokens(e.input());
            } else {
                floats[i] = preprocessor.floats(e.input());
            }
        }
        return new EncodedSplit(exampleShape, floats, tokens, labels);
    }

    static EncodedSplit ofEmbeddings(float[][] embeddings, int[] labels) {
        int size = embeddings.length == 0 ? 0 : embeddings[0].length;
        return new EncodedSplit(new Shape(size), embeddings, null, labels);
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
        for (int i = 0; i < indices.length; i++) {
            float[] row = floats[indices[i]];
            if (augmentation != null) {
                row = augmentation.apply(row, exampleShape);
            }
            System.arraycopy(row, 0, flat, i * width, width);
        }
        return manager.create(flat, shape);
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
