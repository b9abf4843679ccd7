package dev.graft.basemodel;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * The from-scratch backbone architectures Graft can train, and how to build them from an
 * {@link ArchitectureSpec}. Written here rather than taken from DJL's model zoo so that every
 * backbone ends in an embedding with the classification head as a separate block (DJL's
 * {@code ResNetV1} bakes its final dense layer into one sequential block).
 */
public final class Architectures {

    public static final String MLP = "arch-mlp";
    public static final String CNN_SMALL = "arch-cnn-small";
    public static final String RESNET20 = "arch-resnet20";
    public static final String RESNET18 = "arch-resnet18";
    public static final String EMBEDDING_BAG = "arch-embedding-bag";
    /**
     * MobileNetV2 in TensorFlow's layout (SAME padding, BatchNorm folded into conv biases): the
     * shape of the pretrained {@code coco-mobilenetv2} base, not offered for training from scratch
     * (without BatchNorm, 19 units deep, it would barely train from random weights).
     */
    public static final String MOBILENET_V2 = "arch-mobilenetv2";
    /**
     * The first pretrained sentence encoder (ONNX, run outside PyTorch); every encoder of
     * {@link SentenceEncoderSpec#ALL} is an architecture the same way: its backbone here is the
     * identity over the encoder's embeddings, which the preprocessing computes, so only the head
     * trains.
     */
    public static final String SENTENCE_ENCODER = OnnxSentenceEncoder.ID;

    private Architectures() {
    }

    public static List<String> ids() {
        return List.of(MLP, CNN_SMALL, RESNET20, RESNET18, EMBEDDING_BAG);
    }

    /**
     * The default spec of an architecture for inputs of the given shape.
     *
     * @param inputShape {@code [features]}, {@code [channels, height, width]} or
     *     {@code [maxTokens]}
     * @param vocabularySize token ids the embedding must hold (text only, else ignored)
     */
    public static ArchitectureSpec spec(String id, List<Integer> inputShape, int vocabularySize) {
        if (isSentenceEncoder(id)) {
            int size = SentenceEncoderSpec.find(id).orElseThrow().embeddingSize();
            return new ArchitectureSpec(id, Modality.TEXT, List.of(size), List.of(), 0, 0, 0, size);
        }
        return switch (id) {
            case MLP -> new ArchitectureSpec(id, Modality.TABULAR, inputShape, List.of(64, 64),
                    0, 0, 0, 64);
            case CNN_SMALL -> new ArchitectureSpec(id, Modality.IMAGE, inputShape,
                    List.of(16, 32, 64), 0, 0, 0, 64);
            case RESNET20 -> {
                if (inputShape.get(1) > 32 || inputShape.get(2) > 32) {
                    throw new IllegalArgumentException(id + " takes images up to 32x32 pixels");
                }
                yield new ArchitectureSpec(id, Modality.IMAGE, inputShape, List.of(16, 32, 64),
                        3, 0, 0, 64);
            }
            case RESNET18 -> {
                // The ImageNet layout downsamples 32x: smaller images would vanish before the last stage.
                if (inputShape.get(1) < 32 || inputShape.get(2) < 32) {
                    throw new IllegalArgumentException(id + " takes images of at least 32x32 pixels");
                }
                yield new ArchitectureSpec(id, Modality.IMAGE, inputShape, List.of(64, 128, 256, 512),
                        2, 0, 0, 512);
            }
            case EMBEDDING_BAG -> new ArchitectureSpec(id, Modality.TEXT, inputShape, List.of(64),
                    0, vocabularySize, 64, 64);
            case MOBILENET_V2 -> new ArchitectureSpec(id, Modality.IMAGE, inputShape, List.of(), 0, 0, 0,
                    MobileNetV2.EMBEDDING_SIZE);
            default -> throw new IllegalArgumentException("Unknown architecture: " + id);
        };
    }

    /** Whether the architecture's inputs are sentence embeddings computed by an ONNX encoder. */
    public static boolean usesSentenceEncoder(ArchitectureSpec spec) {
        return isSentenceEncoder(spec.id());
    }

    /** Whether the id names one of the ONNX sentence encoders. */
    public static boolean isSentenceEncoder(String id) {
        return SentenceEncoderSpec.find(id).isPresent();
    }

    /** Default input shape when the caller has none: 32x32 RGB images, 64 tokens of text. */
    public static List<Integer> defaultInputShape(String id, int tabularFeatures) {
        if (isSentenceEncoder(id)) {
            return spec(id, List.of(), 0).inputShape();
        }
        return switch (id) {
            case MLP -> List.of(tabularFeatures);
            case CNN_SMALL, RESNET20 -> List.of(3, 32, 32);
            case RESNET18 -> List.of(3, 64, 64);
            case MOBILENET_V2 -> List.of(3, 224, 224);
            case EMBEDDING_BAG -> List.of(64);
            default -> throw new IllegalArgumentException("Unknown architecture: " + id);
        };
    }

    /** A new, uninitialised backbone. */
    public static Backbone newBackbone(ArchitectureSpec spec) {
        if (usesSentenceEncoder(spec)) {
            return new Backbone(List.of(), false, spec.embeddingSize());
        }
        return switch (spec.id()) {
            case MLP -> new Backbone(spec.widths().stream()
                    .map(w -> (Block) dense(w)).toList(), false, spec.embeddingSize());
            case CNN_SMALL -> new Backbone(spec.widths().stream()
                    .map(w -> (Block) convPoolUnit(w)).toList(), true, spec.embeddingSize());
            case RESNET20, RESNET18 -> new Backbone(resNetUnits(spec), true, spec.embeddingSize());
            case MOBILENET_V2 -> MobileNetV2.backbone();
            case EMBEDDING_BAG -> new Backbone(List.of(
                    new EmbeddingBag(spec.vocabularySize(), spec.embeddingDim()),
                    dense(spec.embeddingSize())), false, spec.embeddingSize());
            default -> throw new IllegalArgumentException("Unknown architecture: " + spec.id());
        };
    }

    /** A new, uninitialised backbone under a new head. */
    public static ClassifierNet newClassifier(ArchitectureSpec spec, int numClasses) {
        return new ClassifierNet(newBackbone(spec), numClasses);
    }

    /** Shape of a batch of {@code batchSize} inputs. */
    public static Shape batchShape(ArchitectureSpec spec, long batchSize) {
        long[] dims = new long[spec.inputShape().size() + 1];
        dims[0] = batchSize;
        for (int i = 0; i < spec.inputShape().size(); i++) {
            dims[i + 1] = spec.inputShape().get(i);
        }
        return new Shape(dims);
    }

    /** Token ids are INT64; everything else (sentence embeddings included) is FLOAT32. */
    public static DataType inputType(ArchitectureSpec spec) {
        return spec.modality() == Modality.TEXT && !usesSentenceEncoder(spec) ? DataType.INT64 : DataType.FLOAT32;
    }

    private static SequentialBlock dense(int width) {
        return new SequentialBlock().add(Linear.builder().setUnits(width).build())
                .add(Activation.reluBlock());
    }

    private static SequentialBlock convPoolUnit(int width) {
        return new SequentialBlock().add(conv(width, 3, 1)).add(BatchNorm.builder().build())
                .add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)));
    }

    // ResNet-20 for small images (He et al. 2016, section 4.2): a 3x3 stem, then 3 stages of
    // n basic blocks with 16/32/64 channels; each block is one unit, so "unfreeze the top k
    // layers" means the top k residual blocks.
    private static List<Block> resNetUnits(ArchitectureSpec spec) {
        List<Block> units = new ArrayList<>();
        if (RESNET18.equals(spec.id())) {
            // ImageNet stem (He et al. 2016): 7x7 stride-2 convolution, then 3x3 stride-2 max pooling.
            units.add(new SequentialBlock().add(conv(spec.widths().get(0), 7, 2))
                    .add(BatchNorm.builder().build()).add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1))));
        }
        else {
            // CIFAR stem: one 3x3 convolution, no downsampling, for images up to 32 px.
            units.add(new SequentialBlock().add(conv(spec.widths().get(0), 3, 1))
                    .add(BatchNorm.builder().build()).add(Activation.reluBlock()));
        }
        int in = spec.widths().get(0);
        for (int stage = 0; stage < spec.widths().size(); stage++) {
            int width = spec.widths().get(stage);
            for (int b = 0; b < spec.blocksPerStage(); b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                units.add(residual(width, stride, in != width || stride != 1));
                in = width;
            }
        }
        return units;
    }

    private static Block residual(int width, int stride, boolean project) {
        Block main = new SequentialBlock().add(conv(width, 3, stride))
                .add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(conv(width, 3, 1)).add(BatchNorm.builder().build());
        Block shortcut = project
                ? new SequentialBlock().add(conv(width, 1, stride)).add(BatchNorm.builder().build())
                : Blocks.identityBlock();
        return new SequentialBlock().add(new ParallelBlock(
                        branches -> new NDList(branches.get(0).singletonOrThrow()
                                .add(branches.get(1).singletonOrThrow())),
                        List.of(main, shortcut)))
                .add(Activation.reluBlock());
    }

    private static Conv2d conv(int filters, int kernel, int stride) {
        return Conv2d.builder().setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .setFilters(filters).optBias(false).build();
    }
}
