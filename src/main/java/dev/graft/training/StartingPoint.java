package dev.graft.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import dev.graft.basemodel.ArchitectureSpec;
import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.ClassifierNet;
import dev.graft.basemodel.Modality;
import dev.graft.basemodel.TorchScriptModule;
import java.nio.file.Path;
import java.util.List;

/**
 * The network and preprocessing a run starts from: a fresh architecture with statistics fitted on
 * the training split, or a Graft artifact's backbone (weights and running statistics) under a
 * new head sized for the new labels.
 */
record StartingPoint(ArchitectureSpec spec, ClassifierNet net, Preprocessing preprocessing,
        boolean pretrained, Path torchScriptFile) {

    StartingPoint(ArchitectureSpec spec, ClassifierNet net, Preprocessing preprocessing,
            boolean pretrained) {
        this(spec, net, preprocessing, pretrained, null);
    }

    static StartingPoint of(BaseModel base, TrainingData data, NDManager manager) {
        List<Input> trainInputs = data.train().stream().map(Example::input).toList();
        int numClasses = data.labels().size();
        if (base instanceof BaseModel.Architecture arch) {
            List<Integer> shape = arch.inputShape();
            if (shape == null || data.modality() == Modality.TABULAR) {
                int features = data.modality() == Modality.TABULAR
                        && trainInputs.get(0) instanceof Input.Tabular t ? t.features().length : 0;
                shape = Architectures.defaultInputShape(arch.id(), features);
            }
            ArchitectureSpec spec = Architectures.spec(arch.id(), shape, 0);
            requireModality(spec, data);
            Preprocessing preprocessing = Preprocessor.fit(spec, trainInputs);
            if (preprocessing.text() != null) {
                spec = spec.withVocabularySize(preprocessing.text().size());
            }
            // The sentence encoder's weights are pretrained; every other architecture starts random.
            return new StartingPoint(spec, ModelArtifact.buildNet(spec, numClasses, manager),
                    preprocessing, Architectures.usesSentenceEncoder(spec));
        }
        if (base instanceof BaseModel.LinearModel) {
            if (!(trainInputs.get(0) instanceof Input.Tabular t)) {
                throw new IllegalArgumentException("A linear model takes tabular inputs");
            }
            int features = t.features().length;
            // An MLP with no hidden layer: the backbone is the identity, the head the model.
            ArchitectureSpec spec = new ArchitectureSpec(Architectures.MLP, Modality.TABULAR,
                    List.of(features), List.of(), 0, 0, 0, features);
            return new StartingPoint(spec, ModelArtifact.buildNet(spec, numClasses, manager),
                    Preprocessor.fit(spec, trainInputs), false);
        }
        if (base instanceof BaseModel.TorchScript ts) {
            return torchScript(ts, data, numClasses, manager);
        }
        BaseModel.Artifact artifact = (BaseModel.Artifact) base;
        ModelDescriptor d = ModelArtifact.readDescriptor(artifact.directory());
        // An imported base's descriptor is the uploader's: bounded, and its weights inside it.
        ArtifactChecks.checkBase(d);
        Path weights = ArtifactChecks.weights(artifact.directory(), d);
        ArchitectureSpec spec = d.architecture();
        requireModality(spec, data);
        // A model fine-tuned from an imported module rebuilds from the module file it keeps.
        Path module = TorchScriptModule.ARCHITECTURE_ID.equals(spec.id())
                ? artifact.directory().resolve(TorchScriptModule.FILE_NAME) : null;
        // A base converted from another framework (no labels) has no classifier of its own: its
        // weights file holds the backbone alone, loaded under a placeholder head.
        boolean backboneOnly = d.labels().isEmpty();
        ClassifierNet old = module != null
                ? ModelArtifact.torchScriptNet(spec, module, d.labels().size(), manager)
                : ModelArtifact.buildNet(spec, Math.max(1, d.labels().size()), manager);
        Weights.load(backboneOnly ? old.backbone() : old, manager, weights);
        old.head().getParameters().values().forEach(Parameter::close);
        ClassifierNet net = new ClassifierNet(old.backbone(), numClasses);
        net.initialize(manager, DataType.FLOAT32, Architectures.batchShape(spec, 1));
        // Images and text must be prepared exactly as the backbone learned them (same size and
        // normalisation; token ids are rows of its embedding), but a new table's columns have
        // their own scales, so tabular statistics are refitted on the new training split.
        Preprocessing preprocessing = spec.modality() == Modality.TABULAR
                ? Preprocessor.fit(spec, trainInputs) : d.preprocessing();
        return new StartingPoint(spec, net, preprocessing, true, module);
    }

    // The module's own normalisation is part of what it learned, so nothing is refitted.
    private static StartingPoint torchScript(BaseModel.TorchScript ts, TrainingData data,
            int numClasses, NDManager manager) {
        ArchitectureSpec spec = new ArchitectureSpec(TorchScriptModule.ARCHITECTURE_ID,
                Modality.IMAGE, ts.inputShape(), List.of(), 0, 0, 0, ts.embeddingSize());
        requireModality(spec, data);
        List<Integer> shape = ts.inputShape();
        Preprocessing preprocessing = new Preprocessing(Modality.IMAGE,
                new Preprocessing.ImageScaling(shape.get(0), shape.get(1), shape.get(2),
                        ts.mean(), ts.std()), null, null, null);
        ClassifierNet net = ModelArtifact.torchScriptNet(spec, ts.file(), numClasses, manager);
        return new StartingPoint(spec, net, preprocessing, true, ts.file());
    }

    private static void requireModality(ArchitectureSpec spec, TrainingData data) {
        if (spec.modality() != data.modality()) {
            throw new IllegalArgumentException(spec.id() + " takes " + spec.modality()
                    + " inputs, the data is " + data.modality());
        }
    }
}
