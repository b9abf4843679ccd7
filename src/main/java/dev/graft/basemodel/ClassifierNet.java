package dev.graft.basemodel;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A backbone and a linear classification head as two separate children, so that a strategy can
 * freeze the backbone alone and a trained backbone can be reused under a fresh head. Outputs
 * logits.
 */
public final class ClassifierNet extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Backbone backbone;
    private final Linear head;
    private final int numClasses;

    /** Wraps {@code backbone} (fresh or already trained) under a new, uninitialised head. */
    public ClassifierNet(Backbone backbone, int numClasses) {
        super(VERSION);
        this.backbone = addChildBlock("backbone", backbone);
        this.head = addChildBlock("head", Linear.builder().setUnits(numClasses).build());
        this.numClasses = numClasses;
    }

    public Backbone backbone() {
        return backbone;
    }

    public Linear head() {
        return head;
    }

    public int numClasses() {
        return numClasses;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return head.forward(store, backbone.forward(store, inputs, training), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        backbone.initialize(manager, dataType, shapes);
        head.initialize(manager, dataType, backbone.getOutputShapes(shapes));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
    }
}
