package dev.graft.basemodel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNetV2's inverted residual block (Sandler et al. 2018): a 1x1 expansion with ReLU6 (absent
 * when the expansion factor is 1), a 3x3 depthwise convolution with ReLU6, a linear 1x1
 * projection, and a shortcut when the block keeps both resolution and width.
 */
final class InvertedResidual extends AbstractBlock {

    private static final byte VERSION = 1;

    private final List<SamePaddedConv> convs = new ArrayList<>();
    private final boolean shortcut;

    InvertedResidual(int in, int out, int expansion, int stride) {
        super(VERSION);
        int hidden = in * expansion;
        if (expansion != 1) {
            convs.add(addChildBlock("expand", new SamePaddedConv(hidden, 1, 1, 1, true)));
        }
        convs.add(addChildBlock("depthwise", new SamePaddedConv(hidden, 3, stride, hidden, true)));
        convs.add(addChildBlock("project", new SamePaddedConv(out, 1, 1, 1, false)));
        this.shortcut = stride == 1 && in == out;
    }

    /** Expansion (if any), depthwise, projection, in order. */
    List<SamePaddedConv> convs() {
        return List.copyOf(convs);
    }

    boolean shortcut() {
        return shortcut;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList x = inputs;
        for (SamePaddedConv conv : convs) {
            x = conv.forward(store, x, training);
        }
        NDArray out = x.singletonOrThrow();
        return new NDList(shortcut ? out.add(inputs.singletonOrThrow()) : out);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] current = inputShapes;
        for (SamePaddedConv conv : convs) {
            conv.initialize(manager, dataType, current);
            current = conv.getOutputShapes(current);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] current = inputShapes;
        for (SamePaddedConv conv : convs) {
            current = conv.getOutputShapes(current);
        }
        return current;
    }
}
