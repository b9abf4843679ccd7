package dev.graft.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.graft.basemodel.ArchitectureSpec;
import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.Modality;
import dev.graft.basemodel.TorchScriptModule;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Trains a classifier from a base model on prepared data: the facade of the training feature.
 * An explicit strategy trains once, as given. Strategy {@code auto} searches (see
 * {@link ModelSearch}: candidates scored on held-out folds within a budget of default runs),
 * then refits the winner on every labelled example; its report is the winner's out-of-fold
 * evaluation.
 *
 * <p>Runs are serialised per JVM: DJL's PyTorch gradient collector is process-global (a second
 * concurrent one throws "A PtGradientCollector is already collecting"), so two trainings cannot
 * step at the same time. Inference ({@link ModelArtifact#predict}) needs no collector and runs
 * beside training.
 */
public final class TrainingRun {

    private static final ReentrantLock ONE_TRAINING_PER_JVM = new ReentrantLock();

    /**
     * Runs (or resumes) a training to completion, early stop or cancellation.
     *
     * @return the outcome; close it to free the in-memory model
     */
    public TrainingResult run(TrainingRequest request, TrainingListener listener,
            CancellationToken cancel) {
        ONE_TRAINING_PER_JVM.lock();
        try {
            Hyperparameters hp = request.hyperparameters();
            Engine engine = Engines.ensureStarted(hp.threads());
            // The gradient collector restores the mode it found, so this holds between steps.
            Engines.disableGradientsOnThisThread();
            // Weight initialisation draws from the engine's generator; everything else random in
            // a run uses java.util.Random seeded from hp.seed().
            engine.setRandomSeed((int) hp.seed());
            return request.strategy() == Strategy.AUTO ? searchThenRefit(request, listener, cancel)
                    : once(request, listener, cancel);
        } finally {
            ONE_TRAINING_PER_JVM.unlock();
        }
    }

    /**
     * What a run without transfer starts from: the base's architecture with random weights (for
     * the sentence encoder, Graft's own word embeddings); null when the base has no Graft
     * architecture (an imported TorchScript module).
     */
    public static BaseModel scratchOf(BaseModel base) {
        if (base instanceof BaseModel.Architecture a) {
            return Architectures.isSentenceEncoder(a.id())
                    ? new BaseModel.Architecture(Architectures.EMBEDDING_BAG) : a;
        }
        if (base instanceof BaseModel.Artifact a) {
            ArchitectureSpec spec = ModelArtifact.readDescriptor(a.directory()).architecture();
            if (Architectures.usesSentenceEncoder(spec)) {
                return new BaseModel.Architecture(Architectures.EMBEDDING_BAG);
            }
            if (TorchScriptModule.ARCHITECTURE_ID.equals(spec.id())) {
                return null;
            }
            return new BaseModel.Architecture(spec.id(),
                    spec.modality() == Modality.TABULAR ? null : spec.inputShape());
        }
        return null;
    }

    private TrainingResult once(TrainingRequest request, TrainingListener listener,
            CancellationToken cancel) {
        Hyperparameters hp = request.hyperparameters();
        NDManager manager = NDManager.newBaseManager(request.device());
        try {
            Trainer.Trained t = Trainer.train(new Trainer.Plan(request.base(), request.strategy(), hp,
                    request.data(), true, request.checkpointDirectory(), request.resumeFrom()),
                    manager, listener, cancel);
            if (t.stop() == TrainingLoop.Stop.CANCELLED) {
                manager.close();
                return cancelled(t, hp, null);
            }
            EvaluationReport report = t.heldOut().size() == 0
                    ? new EvaluationReport(Float.NaN, Float.NaN, Float.NaN, List.of(), new int[0][0],
                            List.copyOf(t.progress().history))
                    : validationReport(t, request.data());
            return saved(request, request.base(), t, hp, report, null, manager);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    private TrainingResult searchThenRefit(TrainingRequest request, TrainingListener listener,
            CancellationToken cancel) {
        ModelSearch.Outcome outcome = ModelSearch.run(request, listener, cancel);
        if (outcome == null) {
            return new TrainingResult(TrainingResult.Outcome.CANCELLED, Strategy.AUTO, 0, 0, null,
                    null, null, null, null);
        }
        TrainingData data = request.data();
        List<Example> all = new java.util.ArrayList<>(data.train());
        all.addAll(data.validation());
        TrainingData everything = new TrainingData(data.modality(), data.labels(), all, List.of());
        Candidates.Spec chosen = outcome.chosen();
        NDManager manager = NDManager.newBaseManager(request.device());
        try {
            Trainer.Trained t = Trainer.train(new Trainer.Plan(chosen.base(), chosen.strategy(),
                    outcome.refit(), everything, false, request.checkpointDirectory(),
                    request.resumeFrom()), manager, listener, cancel);
            if (t.stop() == TrainingLoop.Stop.CANCELLED) {
                manager.close();
                return cancelled(t, outcome.refit(), outcome.report());
            }
            SearchReport done = outcome.report().with("done", outcome.report().candidates(),
                    outcome.report().chosen(), outcome.report().negativeTransferAvoided(),
                    outcome.report().note(), outcome.report().refitExamples());
            return saved(request, chosen.base(), t, outcome.refit(),
                    outcome.outOfFold().withHistory(t.progress().history), done, manager);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    private static TrainingResult cancelled(Trainer.Trained t, Hyperparameters hp, SearchReport search) {
        return new TrainingResult(TrainingResult.Outcome.CANCELLED, t.strategy(),
                t.progress().epochsDone, t.progress().bestEpoch, null, null, null, hp, search);
    }

    private static EvaluationReport validationReport(Trainer.Trained t, TrainingData data) {
        TrainingLoop.Measured m = t.evaluate();
        return Evaluation.report(data.labels(), t.heldOut().labels(), m.probabilities(), m.loss())
                .withHistory(t.progress().history);
    }

    private static TrainingResult saved(TrainingRequest request, BaseModel trainedFrom, Trainer.Trained t,
            Hyperparameters hp, EvaluationReport report, SearchReport search, NDManager manager) {
        TrainingLoop.Progress progress = t.progress();
        StartingPoint start = t.start();
        ModelDescriptor descriptor = new ModelDescriptor(ModelDescriptor.FORMAT_VERSION,
                start.spec(), request.data().labels(), request.data().modality(), start.preprocessing(),
                ModelArtifact.WEIGHTS_FILE,
                new ModelDescriptor.Lineage(trainedFrom.id(), request.datasetId(), t.strategy(), hp,
                        hp.seed(), progress.epochsDone, progress.bestEpoch),
                report);
        ModelArtifact model = new ModelArtifact(descriptor, t.net(), manager, start.torchScriptFile());
        model.save(request.outputDirectory());
        return new TrainingResult(t.stop() == TrainingLoop.Stop.EARLY_STOPPED
                ? TrainingResult.Outcome.EARLY_STOPPED : TrainingResult.Outcome.COMPLETED,
                t.strategy(), progress.epochsDone, progress.bestEpoch, report,
                request.outputDirectory(), model, hp, search);
    }
}
