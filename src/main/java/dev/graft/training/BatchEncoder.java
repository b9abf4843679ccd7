package dev.graft.training;

import ai.djl.ndarray.types.Shape;
import dev.graft.basemodel.Architectures;
import java.util.List;

/**
 * Turns raw inputs into the {@link EncodedBatch} a model's network takes, exactly as training
 * did, from the descriptor alone: no engine and no weights are needed for images and tables.
 */
public final class BatchEncoder {

    private final Preprocessor preprocessor;
    private final Shape exampleShape;

    public BatchEncoder(ModelDescriptor descriptor) {
        this.preprocessor = new Preprocessor(descriptor.preprocessing());
        this.exampleShape = Architectures.batchShape(descriptor.architecture(), 1).slice(1);
    }

    public EncodedBatch encode(List<Input> inputs) {
        Shape shape = new Shape(inputs.size()).addAll(exampleShape);
        int width = Math.toIntExact(exampleShape.size());
        if (preprocessor.preprocessing().text() != null) {
            long[] flat = new long[Math.multiplyExact(inputs.size(), width)];
            for (int i = 0; i < inputs.size(); i++) {
                System.arraycopy(preprocessor.tokens(inputs.get(i)), 0, flat, i * width, width);
            }
            return new EncodedBatch(shape.getShape(), null, flat);
        }
        float[] flat = new float[Math.multiplyExact(inputs.size(), width)];
        for (int i = 0; i < inputs.size(); i++) {
            System.arraycopy(preprocessor.floats(inputs.get(i)), 0, flat, i * width, width);
        }
        return new EncodedBatch(shape.getShape(), flat, null);
    }
}
