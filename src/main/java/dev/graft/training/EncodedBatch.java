package dev.graft.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A batch of model inputs after preprocessing and before any engine touches it: floats (images,
 * tables, sentence embeddings) or token ids (text), flat in row-major order. Plain arrays, so a
 * batch can be built in one process and run in another.
 *
 * @param shape  the batch shape, batch axis first
 * @param floats the values, or null when {@code ids} holds them
 * @param ids    the token ids, or null when {@code floats} holds them
 */
public record EncodedBatch(long[] shape, float[] floats, long[] ids) {

    public EncodedBatch {
        long size = 1;
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException("Negative dimension in batch shape");
            }
            size = Math.multiplyExact(size, dimension);
        }
        if ((floats == null) == (ids == null)) {
            throw new IllegalArgumentException("A batch holds either floats or ids");
        }
        if ((floats != null ? floats.length : ids.length) != size) {
            throw new IllegalArgumentException("Batch data does not match its shape");
        }
    }

    /** Examples in the batch. */
    public int size() {
        return shape.length == 0 ? 0 : Math.toIntExact(shape[0]);
    }

    NDArray toArray(NDManager manager) {
        Shape s = new Shape(shape);
        return floats != null ? manager.create(floats, s) : manager.create(ids, s);
    }
}
