package dev.graft.training;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** A block's parameters (BatchNorm running statistics included) as bytes, and back. */
final class Weights {

    private Weights() {
    }

    static byte[] save(Block block) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Replaces the block's parameter values. DJL's {@code Parameter.load} swaps in new arrays,
     * leaving the old ones open on the manager and the new ones without autograd, so this closes
     * the old arrays and re-enables gradients where the parameter still wants them.
     */
    static void load(Block block, NDManager manager, byte[] saved) {
        load(block, manager, new ByteArrayInputStream(saved));
    }

    /** As {@link #load(Block, NDManager, byte[])}, streamed from a file: one array in memory at a time. */
    static void load(Block block, NDManager manager, Path saved) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(saved))) {
            load(block, manager, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void load(Block block, NDManager manager, InputStream saved) {
        Map<Parameter, NDArray> before = new IdentityHashMap<>();
        for (Parameter p : block.getParameters().values()) {
            if (p.isInitialized()) {
                before.put(p, p.getArray());
            }
        }
        try (DataInputStream in = new DataInputStream(saved)) {
            block.loadParameters(manager, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MalformedModelException e) {
            throw new IllegalArgumentException("Saved weights do not fit this block", e);
        }
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient()) {
                p.getArray().setRequiresGradient(true);
            }
        }
        // A TorchScript module copies saved values into its own arrays; those stay open.
        before.forEach((p, old) -> {
            if (p.getArray() != old) {
                old.close();
            }
        });
    }

    /** Every parameter's values as floats, by parameter path; for tests and comparisons. */
    static Map<String, float[]> values(Block block) {
        Map<String, float[]> out = new LinkedHashMap<>();
        block.getParameters().forEach(pair ->
                out.put(pair.getKey(), pair.getValue().getArray().toFloatArray()));
        return out;
    }
}
