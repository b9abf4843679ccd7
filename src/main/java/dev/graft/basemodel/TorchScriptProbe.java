package dev.graft.basemodel;

import java.nio.file.Path;
import java.util.List;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.training.Engines;
import dev.graft.web.FieldError;

/**
 * Loads an uploaded TorchScript file and runs it once on a dummy batch, so that an import is
 * refused at upload time rather than at the first training step. Everything it loads lives in
 * one manager that is closed before it returns.
 */
final class TorchScriptProbe {

    // Two examples, not one: a module that squeezes the batch axis away would pass with one.
    private static final int BATCH = 2;

    private TorchScriptProbe() {
    }

    /** The problem with the file for this descriptor, or null if it loads and matches. */
    static FieldError check(Path file, List<Integer> inputShape, int embeddingSize) {
        Engines.ensureStarted(0);
        try (NDManager manager = NDManager.newBaseManager()) {
            TorchScriptModule module;
            try {
                module = TorchScriptModule.load(file, manager);
            }
            catch (RuntimeException e) {
                // PyTorch's message would name the staged file's path on this host.
                return new FieldError("file", "is not a TorchScript module the PyTorch engine can load "
                        + "(save it with torch.jit.save)");
            }
            long[] dims = new long[inputShape.size() + 1];
            dims[0] = BATCH;
            for (int i = 0; i < inputShape.size(); i++) {
                dims[i + 1] = inputShape.get(i);
            }
            Shape batch = new Shape(dims);
            NDList out;
            try {
                out = module.forward(new ParameterStore(manager, false), new NDList(manager.zeros(batch)), false);
            }
            catch (RuntimeException e) {
                return new FieldError("descriptor.input_shape", "the module fails on a batch of shape " + batch);
            }
            if (out.size() != 1) {
                return new FieldError("descriptor.output", "the module returns " + out.size()
                        + " tensors; it must return one tensor of shape [batch, embedding_size]");
            }
            Shape shape = out.singletonOrThrow().getShape();
            if (shape.dimension() != 2 || shape.get(0) != BATCH) {
                return new FieldError("descriptor.output", "the module returns a tensor of shape " + shape
                        + " for a batch of " + BATCH + "; it must be [batch, embedding_size]");
            }
            if (shape.get(1) != embeddingSize) {
                return new FieldError("descriptor.embedding_size", "the module returns " + shape.get(1)
                        + " values per example, the descriptor says " + embeddingSize);
            }
            return null;
        }
    }
}
