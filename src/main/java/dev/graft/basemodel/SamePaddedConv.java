package dev.graft.basemodel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A convolution with a bias and TensorFlow's {@code "SAME"} padding, optionally followed by ReLU6:
 * the building block of networks converted from TensorFlow graphs whose BatchNorm was folded into
 * the convolution's weights and bias.
 *
 * <p>TensorFlow pads a stride-2 convolution asymmetrically (the odd row and column go at the
 * bottom and right), which PyTorch's symmetric {@code padding} cannot express, so the input is
 * padded explicitly, sized from its actual height and width at each forward pass.
 */
final class SamePaddedConv extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Conv2d conv;
    private final int kernel;
    private final int stride;
    private final int filters;
    private final boolean relu6;

    /**
     * @param groups 1 for a full convolution, the input channels for a depthwise one
     * @param relu6 whether ReLU6 ({@code min(max(x, 0), 6)}) follows
     */
    SamePaddedConv(int filters, int kernel, int stride, int groups, boolean relu6) {
        super(VERSION);
        this.conv = addChildBlock("conv", Conv2d.builder().setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optGroups(groups).setFilters(filters).optBias(true).build());
        this.kernel = kernel;
        this.stride = stride;
        this.filters = filters;
        this.relu6 = relu6;
    }

    int stride() {
        return stride;
    }

    boolean relu6() {
        return relu6;
    }

    /** The weight, {@code [out, in / groups, kh, kw]} (PyTorch's OIHW). */
    Parameter weight() {
        return conv.getParameters().get("weight");
    }

    Parameter bias() {
        return conv.getParameters().get("bias");
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long[] h = padding(x.getShape().get(2));
        long[] w = padding(x.getShape().get(3));
        if (h[0] + h[1] + w[0] + w[1] > 0) {
            // PyTorch's constant_pad_nd takes (left, right, top, bottom) for the last two axes.
            x = x.pad(new Shape(w[0], w[1], h[0], h[1]), 0);
        }
        NDArray out = conv.forward(store, new NDList(x), training).singletonOrThrow();
        return new NDList(relu6 ? Activation.relu6(out) : out);
    }

    /** TensorFlow's SAME rule: total padding {@code max((ceil(n/s) - 1) * s + k - n, 0)}, the extra one after. */
    private long[] padding(long size) {
        long total = Math.max((ceil(size) - 1) * stride + kernel - size, 0);
        return new long[] {total / 2, total - total / 2};
    }

    private long ceil(long size) {
        return (size + stride - 1) / stride;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // The weights' shapes depend on the channels only; padding never changes them.
        conv.initialize(manager, dataType, inputShapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), filters, ceil(in.get(2)), ceil(in.get(3)))};
    }
}
