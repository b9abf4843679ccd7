package dev.graft.training;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.graft.basemodel.Backbone;
import dev.graft.basemodel.ClassifierNet;
import java.util.ArrayList;
import java.util.List;

/** Decides which parameters of a network train under a strategy, and at which rate. */
final class Freezing {

    private Freezing() {
    }

    /**
     * Freezes the network for the strategy and returns the parameters that train. Frozen units
     * also run in inference mode ({@link Backbone#setTrainableFrom}), so their BatchNorm running
     * statistics stay exactly as the base left them.
     */
    static List<TrainableParameter> apply(ClassifierNet net, Strategy strategy,
            Hyperparameters hp) {
        Backbone backbone = net.backbone();
        int units = backbone.unitCount();
        int trainableFrom = switch (strategy) {
            case FEATURE_EXTRACTION -> units;
            case PARTIAL -> units - Math.max(1, Math.min(units, hp.unfreezeLayers()));
            case FULL -> 0;
            case AUTO -> throw new IllegalArgumentException("Resolve AUTO first");
        };
        backbone.setTrainableFrom(trainableFrom);
        for (int i = 0; i < units; i++) {
            freeze(backbone.unit(i).getParameters().values(), i < trainableFrom);
        }
        freeze(net.head().getParameters().values(), false);

        float backboneRate = hp.learningRate() * hp.backboneLearningRateMultiplier();
        List<TrainableParameter> trainable = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            if (p.getValue().requiresGradient()) {
                boolean inBackbone = p.getKey().startsWith("01backbone");
                trainable.add(new TrainableParameter(p.getKey(), p.getValue(),
                        inBackbone ? backboneRate : hp.learningRate(),
                        p.getValue().getType() == Parameter.Type.WEIGHT));
            }
        }
        return trainable;
    }

    // Running mean and variance are never trained: unfreezing them would make PyTorch expect
    // gradients for buffers it updates in place, and the next step fails.
    private static void freeze(List<Parameter> parameters, boolean frozen) {
        for (Parameter p : parameters) {
            boolean runningStat = p.getType() == Parameter.Type.RUNNING_MEAN
                    || p.getType() == Parameter.Type.RUNNING_VAR;
            p.freeze(frozen || runningStat);
        }
    }
}
