package dev.graft.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.graft.basemodel.ArchitectureSpec;
import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.ClassifierNet;
import dev.graft.basemodel.TorchScriptModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained model: a directory with {@code graft-model.json} and the weights, or the same thing
 * held in memory. Owns native memory; close it.
 */
public final class ModelArtifact implements AutoCloseable {

    public static final String DESCRIPTOR_FILE = "graft-model.json";
    static final String WEIGHTS_FILE = "weights.params";

    private final ModelDescriptor descriptor;
    private final ClassifierNet net;
    private final NDManager manager;
    private final BatchEncoder encoder;
    private final Path torchScriptFile;

    ModelArtifact(ModelDescriptor descriptor, ClassifierNet net, NDManager manager) {
        this(descriptor, net, manager, null);
    }

    /** @param torchScriptFile the module a TorchScript-based model's weights belong to */
    ModelArtifact(ModelDescriptor descriptor, ClassifierNet net, NDManager manager,
            Path torchScriptFile) {
        this.torchScriptFile = torchScriptFile;
        this.descriptor = descriptor;
        this.net = net;
        this.manager = manager;
        this.encoder = new BatchEncoder(descriptor);
    }

    /** Loads an artifact directory onto the CPU. */
    public static ModelArtifact load(Path directory) {
        return load(directory, Device.cpu());
    }

    /**
     * A descriptor that asks for what Graft will not build or read (an out-of-bounds architecture,
     * a weights file outside the artifact). Its message is Graft's own, fit to show a client.
     */
    public static final class InvalidArtifactException extends IllegalArgumentException {
        InvalidArtifactException(String message) {
            super(message);
        }
    }

    /**
     * Rebuilds the network from the descriptor alone and loads its weights onto a device. The
     * descriptor is checked first ({@link InvalidArtifactException}): nothing is built or read
     * beyond what it may ask for.
     */
    public static ModelArtifact load(Path directory, Device device) {
        Engines.ensureStarted(0);
        ModelDescriptor descriptor = readDescriptor(directory);
        if (descriptor.formatVersion() != ModelDescriptor.FORMAT_VERSION) {
            throw new InvalidArtifactException("formatVersion " + descriptor.formatVersion() + " is not one Graft reads ("
                    + ModelDescriptor.FORMAT_VERSION + ")");
        }
        if (descriptor.architecture() == null || descriptor.labels() == null || descriptor.preprocessing() == null) {
            throw new InvalidArtifactException("architecture, labels and preprocessing are required");
        }
        ArtifactChecks.checkArchitecture(descriptor);
        Path weights = ArtifactChecks.weights(directory, descriptor);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            ArchitectureSpec spec = descriptor.architecture();
            Path module = directory.resolve(TorchScriptModule.FILE_NAME);
            boolean torchScript = TorchScriptModule.ARCHITECTURE_ID.equals(spec.id());
            ClassifierNet net = torchScript
                    ? torchScriptNet(spec, module, descriptor.labels().size(), manager)
                    : buildNet(spec, descriptor.labels().size(), manager);
            if (torchScript) {
                // Trained weights are copied into the module's tensors (TorchScriptModule), which
                // PyTorch refuses while gradients are on; predict() turns them off anyway.
                Engines.disableGradientsOnThisThread();
            }
            Weights.load(net, manager, weights);
            return new ModelArtifact(descriptor, net, manager, torchScript ? module : null);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Reads only an artifact directory's descriptor: no engine, no weights. */
    public static ModelDescriptor readDescriptor(Path directory) {
        return Json.read(directory.resolve(DESCRIPTOR_FILE), ModelDescriptor.class);
    }

    static ClassifierNet buildNet(ArchitectureSpec spec, int numClasses, NDManager manager) {
        ClassifierNet net = Architectures.newClassifier(spec, numClasses);
        net.initialize(manager, DataType.FLOAT32, Architectures.batchShape(spec, 1));
        return net;
    }

    /** An imported TorchScript module under a new head. */
    static ClassifierNet torchScriptNet(ArchitectureSpec spec, Path file, int numClasses,
            NDManager manager) {
        TorchScriptModule module = TorchScriptModule.load(file, manager);
        ClassifierNet net = new ClassifierNet(module.asBackbone(spec.embeddingSize()), numClasses);
        net.initialize(manager, DataType.FLOAT32, Architectures.batchShape(spec, 1));
        return net;
    }

    public ModelDescriptor descriptor() {
        return descriptor;
    }

    public List<String> labels() {
        return descriptor.labels();
    }

    /**
     * Class probabilities for each input, in {@link #labels()} order. Safe to call from several
     * threads; each call works in its own sub-manager.
     */
    public List<float[]> predict(List<Input> inputs) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        return forward(encoder.encode(inputs));
    }

    /** The same for inputs already encoded (by a {@link BatchEncoder} for this descriptor). */
    public List<float[]> forward(EncodedBatch batch) {
        int n = batch.size();
        if (n == 0) {
            return List.of();
        }
        Engines.disableGradientsOnThisThread();
        try (NDManager scope = manager.newSubManager()) {
            NDArray probabilities = net.forward(new ParameterStore(scope, false),
                    new NDList(batch.toArray(scope)), false).singletonOrThrow().softmax(1);
            float[] flat = probabilities.toFloatArray();
            int k = descriptor.labels().size();
            List<float[]> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                float[] row = new float[k];
                System.arraycopy(flat, i * k, row, 0, k);
                out.add(row);
            }
            return out;
        }
    }

    ClassifierNet net() {
        return net;
    }

    /** Writes the artifact into a fresh {@code directory}, via a temporary sibling and a rename. */
    void save(Path directory) {
        try {
            Path parent = directory.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, ".tmp-" + directory.getFileName() + "-");
            Files.write(tmp.resolve(descriptor.weightsFile()), Weights.save(net));
            if (torchScriptFile != null) {
                Files.copy(torchScriptFile, tmp.resolve(TorchScriptModule.FILE_NAME));
            }
            Json.write(tmp.resolve(DESCRIPTOR_FILE), descriptor);
            if (Files.exists(directory)) {
                Checkpoints.deleteTree(directory);
            }
            Files.move(tmp, directory, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write model artifact " + directory, e);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
