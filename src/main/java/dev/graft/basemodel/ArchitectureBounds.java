package dev.graft.basemodel;

import java.util.ArrayList;
import java.util.List;

/**
 * Bounds on an {@link ArchitectureSpec} read from an artifact's descriptor, checked before a
 * network is built from it: every size, depth and count a descriptor can set turns into native
 * memory and compute when the network is initialised, so an imported artifact could otherwise ask
 * for a billion parameters. The bounds sit far above what Graft's own architectures use (ResNet-18
 * at 64 px has 11 million parameters).
 */
public final class ArchitectureBounds {

    /**
     * Parameters (weights, biases and BatchNorm statistics) a network may have: 120 MB of floats,
     * and loading reads a parameter array through the heap.
     */
    public static final long MAX_PARAMETERS = 30_000_000;
    public static final int MAX_CLASSES = 100_000;
    static final int MAX_SIDE = 1024;
    static final int MAX_FEATURES = 100_000;
    static final int MAX_TOKENS = 4096;
    static final int MAX_WIDTH = 4096;
    static final int MAX_LAYERS = 16;
    static final int MAX_STAGES = 8;
    static final int MAX_BLOCKS_PER_STAGE = 16;
    static final int MAX_VOCABULARY = 5_000_000;
    static final int MAX_EMBEDDING_DIM = 1024;

    private ArchitectureBounds() {
    }

    /**
     * What is out of bounds in {@code spec} for a network of {@code numClasses} classes, each as
     * {@code "architecture.<field>: <why>"}; empty when it may be built.
     */
    public static List<String> problems(ArchitectureSpec spec, int numClasses) {
        List<String> problems = new ArrayList<>();
        if (numClasses < 2 || numClasses > MAX_CLASSES) {
            problems.add("labels: must hold 2 to " + MAX_CLASSES + " classes, holds " + numClasses);
        }
        // The record's constructor has already refused null lists and null elements.
        if (spec == null || spec.id() == null || spec.modality() == null) {
            problems.add("architecture: id and modality are required");
            return problems;
        }
        String id = spec.id();
        // arch-mobilenetv2 is not offered from scratch, but the COCO base and its children are built on it.
        if (!Architectures.ids().contains(id) && !Architectures.isSentenceEncoder(id)
                && !Architectures.MOBILENET_V2.equals(id)) {
            problems.add("architecture.id: '" + clip(id) + "' is not an architecture Graft builds");
            return problems;
        }
        Modality modality = Architectures.spec(id, Architectures.defaultInputShape(id, 1), 2).modality();
        if (spec.modality() != modality) {
            problems.add("architecture.modality: " + id + " takes " + modality + " inputs, not " + spec.modality());
            return problems;
        }
        checkInput(spec, problems);
        checkLayers(spec, problems);
        if (problems.isEmpty()) {
            long parameters = parameters(spec, numClasses);
            if (parameters > MAX_PARAMETERS) {
                problems.add("architecture: the network would have " + parameters + " parameters; at most "
                        + MAX_PARAMETERS + " are built");
            }
        }
        return problems;
    }

    private static void checkInput(ArchitectureSpec spec, List<String> problems) {
        List<Integer> shape = spec.inputShape();
        String field = "architecture.inputShape: ";
        switch (spec.modality()) {
            case IMAGE -> {
                if (shape.size() != 3 || (shape.get(0) != 1 && shape.get(0) != 3) || !within(shape.get(1), 1, MAX_SIDE)
                        || !within(shape.get(2), 1, MAX_SIDE)) {
                    problems.add(field + "must be [channels, height, width] with 1 or 3 channels and sides of 1 to " + MAX_SIDE);
                }
                else if (Architectures.RESNET20.equals(spec.id()) && (shape.get(1) > 32 || shape.get(2) > 32)) {
                    problems.add(field + spec.id() + " takes images up to 32x32 pixels");
                }
                else if (Architectures.MOBILENET_V2.equals(spec.id()) && shape.get(0) != 3) {
                    problems.add(field + spec.id() + " takes 3-channel images");
                }
                else if (Architectures.RESNET18.equals(spec.id()) && (shape.get(1) < 32 || shape.get(2) < 32)) {
                    problems.add(field + spec.id() + " takes images of at least 32x32 pixels");
                }
            }
            case TABULAR -> {
                if (shape.size() != 1 || !within(shape.get(0), 1, MAX_FEATURES)) {
                    problems.add(field + "must be [features] with 1 to " + MAX_FEATURES + " features");
                }
            }
            case TEXT -> {
                if (Architectures.usesSentenceEncoder(spec)) {
                    if (!shape.equals(List.of(OnnxSentenceEncoder.EMBEDDING_SIZE))) {
                        problems.add(field + "must be [" + OnnxSentenceEncoder.EMBEDDING_SIZE + "] for " + spec.id());
                    }
                }
                else if (shape.size() != 1 || !within(shape.get(0), 1, MAX_TOKENS)) {
                    problems.add(field + "must be [tokens] with 1 to " + MAX_TOKENS + " tokens");
                }
            }
        }
    }

    private static void checkLayers(ArchitectureSpec spec, List<String> problems) {
        List<Integer> widths = spec.widths();
        if (widths.stream().anyMatch(w -> !within(w, 1, MAX_WIDTH))) {
            problems.add("architecture.widths: each must be 1 to " + MAX_WIDTH);
            return;
        }
        if (Architectures.MOBILENET_V2.equals(spec.id())) {
            // A fixed layout: nothing in the descriptor sizes it.
            if (!widths.isEmpty() || spec.blocksPerStage() != 0 || spec.vocabularySize() != 0 || spec.embeddingDim() != 0
                    || spec.embeddingSize() != MobileNetV2.EMBEDDING_SIZE) {
                problems.add("architecture: " + spec.id() + " has a fixed layout: no widths, blocksPerStage, vocabularySize "
                        + "or embeddingDim, and embeddingSize " + MobileNetV2.EMBEDDING_SIZE);
            }
            return;
        }
        boolean resNet = Architectures.RESNET20.equals(spec.id()) || Architectures.RESNET18.equals(spec.id());
        boolean text = spec.modality() == Modality.TEXT;
        boolean encoder = Architectures.usesSentenceEncoder(spec);
        int maxLayers = resNet ? MAX_STAGES : text ? 1 : MAX_LAYERS;
        // An MLP with no hidden layer is the linear model auto's search fits to tables: its
        // backbone is the identity, so its embedding is the input row.
        boolean linear = Architectures.MLP.equals(spec.id()) && widths.isEmpty();
        int minLayers = encoder || linear ? 0 : 1;
        if (widths.size() < minLayers || widths.size() > (encoder ? 0 : maxLayers)) {
            problems.add("architecture.widths: " + spec.id() + " takes " + minLayers + " to " + (encoder ? 0 : maxLayers)
                    + " widths, not " + widths.size());
        }
        if (resNet ? !within(spec.blocksPerStage(), 1, MAX_BLOCKS_PER_STAGE) : spec.blocksPerStage() != 0) {
            problems.add("architecture.blocksPerStage: must be " + (resNet ? "1 to " + MAX_BLOCKS_PER_STAGE : "0") + " for " + spec.id());
        }
        boolean bag = Architectures.EMBEDDING_BAG.equals(spec.id());
        if (bag ? !within(spec.vocabularySize(), 2, MAX_VOCABULARY) : spec.vocabularySize() != 0) {
            problems.add("architecture.vocabularySize: must be " + (bag ? "2 to " + MAX_VOCABULARY : "0") + " for " + spec.id());
        }
        if (bag ? !within(spec.embeddingDim(), 1, MAX_EMBEDDING_DIM) : spec.embeddingDim() != 0) {
            problems.add("architecture.embeddingDim: must be " + (bag ? "1 to " + MAX_EMBEDDING_DIM : "0") + " for " + spec.id());
        }
        int expected = encoder ? OnnxSentenceEncoder.EMBEDDING_SIZE
                : linear && spec.inputShape().size() == 1 ? spec.inputShape().get(0)
                : bag || widths.isEmpty() ? spec.embeddingSize() : widths.get(widths.size() - 1);
        int maxEmbedding = linear ? MAX_FEATURES : Math.max(MAX_WIDTH, OnnxSentenceEncoder.EMBEDDING_SIZE);
        if (!within(spec.embeddingSize(), 1, maxEmbedding) || spec.embeddingSize() != expected) {
            problems.add("architecture.embeddingSize: must be " + expected + " (what " + spec.id() + " with these widths returns), not "
                    + spec.embeddingSize());
        }
    }

    /** The network's parameter count, head included; the fields are already within bounds, so no long overflows. */
    public static long parameters(ArchitectureSpec spec, int numClasses) {
        long backbone = switch (spec.id()) {
            case Architectures.MLP -> {
                long total = 0;
                long in = spec.inputShape().get(0);
                for (int w : spec.widths()) {
                    total += in * w + w;
                    in = w;
                }
                yield total;
            }
            case Architectures.CNN_SMALL -> {
                long total = 0;
                long in = spec.inputShape().get(0);
                for (int w : spec.widths()) {
                    total += 9 * in * w + 4L * w;
                    in = w;
                }
                yield total;
            }
            case Architectures.RESNET20, Architectures.RESNET18 -> resNet(spec);
            case Architectures.MOBILENET_V2 -> MobileNetV2.parameters();
            case Architectures.EMBEDDING_BAG -> (long) spec.vocabularySize() * spec.embeddingDim()
                    + (long) spec.embeddingDim() * spec.embeddingSize() + spec.embeddingSize();
            default -> 0;
        };
        return backbone + (long) spec.embeddingSize() * numClasses + numClasses;
    }

    private static long resNet(ArchitectureSpec spec) {
        int stemKernel = Architectures.RESNET18.equals(spec.id()) ? 7 : 3;
        long in = spec.widths().get(0);
        long total = (long) stemKernel * stemKernel * spec.inputShape().get(0) * in + 4 * in;
        for (int stage = 0; stage < spec.widths().size(); stage++) {
            long w = spec.widths().get(stage);
            for (int b = 0; b < spec.blocksPerStage(); b++) {
                total += 9 * in * w + 9 * w * w + 8 * w;
                if (in != w || (stage > 0 && b == 0)) {
                    total += in * w + 4 * w;
                }
                in = w;
            }
        }
        return total;
    }

    private static boolean within(Integer value, int min, int max) {
        return value != null && value >= min && value <= max;
    }

    private static String clip(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "…" : value;
    }
}
