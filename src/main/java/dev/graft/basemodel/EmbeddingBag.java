package dev.graft.basemodel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Token embeddings averaged over the non-padding tokens of each row. Input: INT64 token ids
 * {@code (batch, maxTokens)} where id 0 is padding; output {@code (batch, dim)}.
 */
final class EmbeddingBag extends AbstractBlock {

    static final long PADDING_ID = 0;
    private static final byte VERSION = 1;

    private final int dim;
    private final Parameter weight;

    EmbeddingBag(int vocabularySize, int dim) {
        super(VERSION);
        this.dim = dim;
        this.weight = addParameter(Parameter.builder().setName("weight")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(vocabularySize, dim)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow();
        NDArray table = store.getValue(weight, tokens.getDevice(), training);
        NDArray vectors = tokens.getNDArrayInternal()
                .embedding(tokens, table, SparseFormat.DENSE).singletonOrThrow();
        // Padding must not dilute the mean, so rows are averaged over their real tokens only.
        NDArray mask = tokens.neq(PADDING_ID).toType(DataType.FLOAT32, false);
        NDArray sum = vectors.mul(mask.expandDims(-1)).sum(new int[] {1});
        NDArray count = mask.sum(new int[] {1}, true).maximum(1f);
        return new NDList(sum.div(count));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dim)};
    }
}
