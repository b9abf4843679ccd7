package dev.graft.basemodel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A TensorFlow.js graph model as published ({@code model.json} plus its binary shards), read
 * without TensorFlow: the graph's nodes (op, inputs, attributes) and its weights as float arrays.
 * The shards are the manifest's weights concatenated in manifest order, little-endian.
 */
final class TfjsGraph {

    /** A weight: its TF shape (HWIO for convolutions) and values, row-major. */
    record Tensor(String name, int[] shape, float[] values) {
    }

    /** A graph node: its op and inputs (names, without {@code :n} output suffixes kept apart). */
    record Node(String name, String op, List<String> inputs, JsonNode attributes) {

        /** An integer-list attribute such as {@code strides}, or null. */
        List<Integer> ints(String attribute) {
            JsonNode a = attributes.get(attribute);
            if (a == null || a.get("list") == null) {
                return null;
            }
            List<Integer> out = new ArrayList<>();
            a.get("list").get("i").forEach(n -> out.add(Integer.parseInt(n.asString())));
            return out;
        }

        /** A string attribute such as {@code padding}, stored as bytes in the JSON, or null. */
        String string(String attribute) {
            JsonNode a = attributes.get(attribute);
            if (a == null || a.get("s") == null) {
                return null;
            }
            StringBuilder out = new StringBuilder();
            a.get("s").forEach(n -> out.append((char) n.asInt()));
            return out.toString();
        }
    }

    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, Tensor> weights = new HashMap<>();

    private TfjsGraph() {
    }

    static TfjsGraph read(Path directory) throws IOException {
        TfjsGraph graph = new TfjsGraph();
        JsonNode model = JsonMapper.builder().build().readTree(directory.resolve("model.json").toFile());
        for (JsonNode n : model.get("modelTopology").get("node")) {
            List<String> inputs = new ArrayList<>();
            if (n.get("input") != null) {
                n.get("input").forEach(i -> inputs.add(i.asString()));
            }
            JsonNode attributes = n.get("attr") == null ? JsonMapper.builder().build().createObjectNode() : n.get("attr");
            graph.nodes.put(n.get("name").asString(), new Node(n.get("name").asString(), n.get("op").asString(),
                    inputs, attributes));
        }
        if (model.get("weightsManifest").size() != 1) {
            throw new IOException("Expected one weights group, found " + model.get("weightsManifest").size());
        }
        JsonNode group = model.get("weightsManifest").get(0);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (JsonNode path : group.get("paths")) {
            all.write(Files.readAllBytes(directory.resolve(path.asString())));
        }
        ByteBuffer bytes = ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode w : group.get("weights")) {
            if (w.get("quantization") != null) {
                throw new IOException("Quantised weights are not supported: " + w.get("name").asString());
            }
            int[] shape = new int[w.get("shape").size()];
            int count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = w.get("shape").get(i).asInt();
                count *= shape[i];
            }
            String dtype = w.get("dtype").asString();
            float[] values = new float[count];
            for (int i = 0; i < count; i++) {
                values[i] = switch (dtype) {
                    case "float32" -> bytes.getFloat();
                    case "int32" -> bytes.getInt();
                    default -> throw new IOException("Unsupported dtype " + dtype);
                };
            }
            graph.weights.put(w.get("name").asString(), new Tensor(w.get("name").asString(), shape, values));
        }
        if (bytes.hasRemaining()) {
            throw new IOException(bytes.remaining() + " shard bytes left after the manifest's weights");
        }
        return graph;
    }

    /** The node, which must exist and have the given op. */
    Node node(String name, String op) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalStateException("The graph has no node " + name);
        }
        if (!n.op().equals(op)) {
            throw new IllegalStateException(name + " is a " + n.op() + ", expected " + op);
        }
        return n;
    }

    boolean has(String name) {
        return nodes.containsKey(name);
    }

    /** Nodes whose name starts with the prefix and that have the op. */
    List<Node> nodes(String prefix, String op) {
        return nodes.values().stream().filter(n -> n.name().startsWith(prefix) && n.op().equals(op)).toList();
    }

    Tensor weight(String name, int... shape) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new IllegalStateException("The manifest has no weight " + name);
        }
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new IllegalStateException(name + " has shape " + java.util.Arrays.toString(t.shape()) + ", expected "
                    + java.util.Arrays.toString(shape));
        }
        return t;
    }

    /** Total values of the weights whose name starts with the prefix. */
    long valueCount(String prefix) {
        return weights.values().stream().filter(t -> t.name().startsWith(prefix)).mapToLong(t -> t.values().length).sum();
    }
}
