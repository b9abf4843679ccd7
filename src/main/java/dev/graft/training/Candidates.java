package dev.graft.training;

import dev.graft.basemodel.ArchitectureSpec;
import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.Modality;
import dev.graft.basemodel.TorchScriptModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configurations strategy {@code auto} chooses among: the one rule of {@code auto}. From a
 * base that can be adapted: feature extraction (two head rates), partial fine-tuning of the top 1
 * and 2 units, full fine-tuning (two rates, and with shift-and-scale augmentation for images);
 * and always, where the base has an architecture, a no-transfer candidate: the same architecture
 * from random weights (for the sentence encoder, word embeddings learnt from the data; for tables,
 * also a plain linear model). What the client fixed applies to every candidate, and candidates it
 * makes identical are tried once.
 */
final class Candidates {

    /** A candidate whose fold runs cost at most this many default runs skips successive halving. */
    static final double CHEAP = 0.25;
    /**
     * Rates a decade apart. The search trains its finalists for a share of a default run's steps,
     * so it favours rates that converge fast: a head or a linear model at 3e-3 was still far from
     * converged at those budgets (MNIST digits from the MNIST base: 0.68 held-out against 0.90 at
     * 3e-2; wine: a linear model at 1e-2 held out 0.87 where scikit-learn's converged one tests 0.98).
     */
    private static final float[] HEAD_RATES = {1e-2f, 1e-1f};
    private static final float[] FINE_TUNING_RATES = {1e-3f, 3e-3f};

    /** One configuration, at its full step budget. */
    record Spec(String name, BaseModel base, boolean transfer, Strategy strategy, Hyperparameters hp,
            double cost) {
    }

    private final TrainingDefaults.DataSize size;
    private final HyperparameterOverrides given;
    private final long seed;
    private final int threads;
    private final List<Spec> specs = new ArrayList<>();

    private Candidates(TrainingDefaults.DataSize size, HyperparameterOverrides given, long seed, int threads) {
        this.size = size;
        this.given = given;
        this.seed = seed;
        this.threads = threads;
    }

    static List<Spec> of(BaseModel base, TrainingDefaults.DataSize size, HyperparameterOverrides given,
            long seed, int threads) {
        Candidates c = new Candidates(size, given, seed, threads);
        c.add(base);
        return List.copyOf(c.specs);
    }

    private void add(BaseModel base) {
        boolean image = size.modality() == Modality.IMAGE;
        ArchitectureSpec spec = base instanceof BaseModel.Artifact a
                ? ModelArtifact.readDescriptor(a.directory()).architecture() : null;
        boolean frozenOnly = base instanceof BaseModel.Architecture arch
                ? Architectures.isSentenceEncoder(arch.id())
                : spec != null && Architectures.usesSentenceEncoder(spec);
        boolean pretrained = !(base instanceof BaseModel.Architecture) || frozenOnly;
        if (pretrained) {
            // Costs are per optimizer step against a full fine-tuning step. Small networks' steps cost
            // mostly fixed overhead, so every trained network counts as 1; a head on cached embeddings
            // as 0.2 beside a backbone it skips, and as 1 when it is the whole model (the sentence encoder).
            for (float rate : HEAD_RATES) {
                add("feature_extraction", base, true, Strategy.FEATURE_EXTRACTION,
                        b -> b.learningRate(rate), frozenOnly ? 1 : 0.2);
            }
        }
        if (pretrained && !frozenOnly) {
            boolean torchScript = base instanceof BaseModel.TorchScript
                    || spec != null && TorchScriptModule.ARCHITECTURE_ID.equals(spec.id());
            if (!torchScript) {
                int units = size.modality() == Modality.TABULAR ? 1 : 2;
                for (int top = 1; top <= units; top++) {
                    int t = top;
                    add("partial top=" + top, base, true, Strategy.PARTIAL, b -> b.unfreezeLayers(t), 0.8);
                }
            }
            for (float rate : FINE_TUNING_RATES) {
                add("full", base, true, Strategy.FULL, b -> b.learningRate(rate), 1);
            }
            if (image) {
                add("full", base, true, Strategy.FULL,
                        b -> b.learningRate(3e-3f).augment(Hyperparameters.Augment.SHIFT_SCALE), 1);
            }
        }
        BaseModel scratch = TrainingRun.scratchOf(base);
        if (scratch == null) {
            return;
        }
        String name = "scratch " + scratch.id();
        if (image) {
            add(name, scratch, false, Strategy.FULL,
                    b -> b.augment(Hyperparameters.Augment.SHIFT_SCALE), 1);
            if (!pretrained) {
                add(name, scratch, false, Strategy.FULL, b -> b, 1);
            }
        }
        else if (size.modality() == Modality.TABULAR) {
            for (float rate : new float[] {1e-2f, 3e-2f}) {
                add(name, scratch, false, Strategy.FULL, b -> b.learningRate(rate), 1);
            }
            add("scratch linear", new BaseModel.LinearModel(), false, Strategy.FULL, b -> b.learningRate(1e-1f), 1);
        }
        else {
            for (float rate : new float[] {1e-2f, 3e-3f}) {
                add(name, scratch, false, Strategy.FULL, b -> b.learningRate(rate), 1);
            }
        }
    }

    /** Adds a candidate named by what sets it apart: its kind, rate and augmentation, as it will train. */
    private void add(String kind, BaseModel base, boolean transfer, Strategy strategy,
            java.util.function.UnaryOperator<Hyperparameters.Builder> tweak, double cost) {
        Hyperparameters defaults = TrainingDefaults.resolve(strategy, transfer, size,
                HyperparameterOverrides.NONE, seed, threads);
        Hyperparameters hp = given.applyTo(tweak.apply(defaults.toBuilder()).build());
        String name = kind + " lr=" + hp.learningRate()
                + (hp.augment() == Hyperparameters.Augment.NONE ? "" : " augment=" + hp.augment().wireName());
        boolean duplicate = specs.stream().anyMatch(s -> s.base().equals(base)
                && s.strategy() == strategy && s.hp().equals(hp));
        if (!duplicate) {
            specs.add(new Spec(name, base, transfer, strategy, hp, cost));
        }
    }

    static Map<String, Object> describe(Spec spec) {
        Map<String, Object> out = new LinkedHashMap<>(TrainingDefaults.toWire(spec.hp()));
        out.remove("early_stopping_patience");
        return out;
    }
}
