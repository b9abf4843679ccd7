package dev.graft.basemodel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A feature extractor made of an ordered list of units (conv blocks, residual blocks, dense
 * layers), bottom first, ending in an embedding of {@link #embeddingSize()} values.
 *
 * <p>Units below {@link #trainableFrom()} always run in inference mode, even in a training
 * forward pass: a frozen BatchNorm must neither normalise with batch statistics nor update its
 * running mean and variance, and DJL's {@code freezeParameters} alone does not stop the latter.
 */
public final class Backbone extends AbstractBlock {

    private static final byte VERSION = 1;

    private final List<Block> units = new ArrayList<>();
    private final boolean globalAveragePool;
    private final int embeddingSize;
    private int trainableFrom;

    Backbone(List<Block> units, boolean globalAveragePool, int embeddingSize) {
        super(VERSION);
        for (Block unit : units) {
            this.units.add(addChildBlock("unit", unit));
        }
        this.globalAveragePool = globalAveragePool;
        this.embeddingSize = embeddingSize;
    }

    public int unitCount() {
        return units.size();
    }

    public Block unit(int index) {
        return units.get(index);
    }

    public int embeddingSize() {
        return embeddingSize;
    }

    public int trainableFrom() {
        return trainableFrom;
    }

    /**
     * Units {@code [0, index)} run in inference mode from now on; {@code unitCount()} makes the
     * whole backbone an inference-mode feature extractor. Does not touch gradients: freeze the
     * same units' parameters as well.
     */
    public void setTrainableFrom(int index) {
        if (index < 0 || index > units.size()) {
            throw new IllegalArgumentException("trainableFrom must be in [0, " + units.size() + "]");
        }
        trainableFrom = index;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList x = inputs;
        for (int i = 0; i < units.size(); i++) {
            x = units.get(i).forward(store, x, training && i >= trainableFrom);
        }
        NDArray out = x.singletonOrThrow();
        if (globalAveragePool) {
            // PyTorch's DJL mean() reduces one axis at a time.
            out = out.reshape(out.getShape().get(0), out.getShape().get(1), -1).mean(new int[] {2});
        }
        return new NDList(out);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        Shape[] current = shapes;
        for (Block unit : units) {
            unit.initialize(manager, dataType, current);
            current = unit.getOutputShapes(current);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), embeddingSize)};
    }
}
