package dev.graft.training;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strategy {@code auto}: a budgeted search over {@link Candidates}, scored on held-out
 * {@link Folds}. Cheap candidates (a head on frozen embeddings) get every fold at their full
 * budget. The others go through successive halving (η = 3): when there are more than three, all
 * train for a third of the finalists' budget on every fold, and the best third (at least two)
 * continue at the finalists' budget; otherwise all train at the finalists' budget. That budget is
 * the largest share of a default run's steps for which the whole search plus the refit fits in
 * {@code budget} default single runs. The best mean held-out accuracy wins (ties: lower held-out
 * loss, then lower cost).
 */
final class ModelSearch {

    private static final Logger log = LoggerFactory.getLogger(ModelSearch.class);
    static final int ETA = 3;
    /**
     * The share of the budget the plan spends on training: the rest covers what the cost estimates
     * leave out (each fold run builds its network and encodes its examples; the default run they are
     * compared with may stop early).
     */
    static final double PLANNED_SHARE = 0.85;

    /** The decision, or null fields when the search was stopped. */
    record Outcome(Candidates.Spec chosen, Hyperparameters refit, SearchReport report,
            EvaluationReport outOfFold) {
    }

    private final TrainingRequest request;
    private final TrainingListener listener;
    private final CancellationToken cancel;
    private final Folds folds;
    private final List<Candidates.Spec> specs;
    private SearchReport state;

    private ModelSearch(TrainingRequest request, TrainingListener listener, CancellationToken cancel) {
        this.request = request;
        this.listener = listener;
        this.cancel = cancel;
        TrainingData data = request.data();
        Hyperparameters base = request.hyperparameters();
        this.folds = Folds.of(data, base.seed());
        this.specs = Candidates.of(request.base(), TrainingDefaults.DataSize.of(data),
                request.search().given(), base.seed(), base.threads());
    }

    /** @return the outcome, or null when the search was cancelled */
    static Outcome run(TrainingRequest request, TrainingListener listener, CancellationToken cancel) {
        return new ModelSearch(request, listener, cancel).search();
    }

    private Outcome search() {
        // Costs count optimizer steps against a default run's (an epoch of its train split), batches rounded up.
        int trainExamples = request.data().train().size();
        int b = request.search().given().batchSize() != null ? request.search().given().batchSize()
                : TrainingDefaults.batchSize(trainExamples);
        double defaultSteps = Math.ceil((double) trainExamples / b);
        double foldFactor = Math.ceil(folds.trainShare() * folds.pool.size() / b) / defaultSteps;
        double refitFactor = Math.ceil((double) folds.pool.size() / b) / defaultSteps;
        List<Candidates.Spec> cheap = specs.stream().filter(s -> s.cost() <= Candidates.CHEAP).toList();
        List<Candidates.Spec> costly = specs.stream().filter(s -> s.cost() > Candidates.CHEAP).toList();
        boolean halving = costly.size() > ETA;
        int promoted = halving ? Math.max(2, (costly.size() + ETA - 1) / ETA) : costly.size();
        double budget = request.search().budget();
        double fraction = budgetFraction(cheap, costly, halving, promoted, folds.count, foldFactor, refitFactor, budget);
        SearchReport resumed = request.search().resume();
        if (resumed != null && resumed.budgetFraction() > 0) {
            fraction = resumed.budgetFraction();
        }
        state = new SearchReport("searching", budget, request.search().given().toWire(), folds.crossValidation ? "cross_validation" : "validation_split",
                folds.count, folds.pool.size(), Runs.round(fraction), specs.stream()
                        .map(s -> previous(resumed, s)).toList(), null, null, null, null,
                Runs.round(cost(cheap, costly, halving, promoted, folds.count, foldFactor, refitFactor, fraction)));
        listener.onSearch(new SearchUpdate(SearchUpdate.Kind.STARTED, state, null));
        for (Candidates.Spec spec : cheap) {
            if (!evaluate(spec, 0, 1.0)) {
                return null;
            }
        }
        List<Candidates.Spec> finalists = costly;
        if (halving) {
            for (Candidates.Spec spec : costly) {
                if (!evaluate(spec, 0, fraction / ETA)) {
                    return null;
                }
            }
            finalists = costly.stream().sorted(ranking(0)).limit(promoted).toList();
        }
        int lastRung = halving ? 1 : 0;
        for (Candidates.Spec spec : finalists) {
            if (!evaluate(spec, lastRung, fraction)) {
                return null;
            }
        }
        List<Candidates.Spec> contenders = new ArrayList<>(cheap);
        contenders.addAll(finalists);
        Candidates.Spec chosen = contenders.stream().sorted(finalRanking()).findFirst().orElseThrow();
        return decide(chosen, contenders);
    }

    private Outcome decide(Candidates.Spec chosen, List<Candidates.Spec> contenders) {
        SearchReport.Rung won = candidate(chosen).last();
        Candidates.Spec bestTransfer = contenders.stream().filter(Candidates.Spec::transfer)
                .sorted(finalRanking()).findFirst().orElse(null);
        Boolean avoided = null;
        String note;
        if (bestTransfer == null) {
            note = String.format(Locale.ROOT, "Chose %s (%.3f ± %.3f held-out accuracy); the base has no learned "
                    + "weights, so there was no transfer to weigh", chosen.name(), won.mean(), won.sd());
        }
        else if (chosen.transfer()) {
            avoided = false;
            note = String.format(Locale.ROOT, "Chose %s (%.3f ± %.3f held-out accuracy): transfer from %s did "
                    + "at least as well as every no-transfer candidate", chosen.name(), won.mean(), won.sd(),
                    request.base().id());
        }
        else {
            avoided = true;
            SearchReport.Rung t = candidate(bestTransfer).last();
            note = String.format(Locale.ROOT, "Negative transfer avoided: %s held out %.3f ± %.3f, better than "
                    + "the best use of %s (%s, %.3f ± %.3f), so auto did not transfer", chosen.name(), won.mean(),
                    won.sd(), request.base().id(), bestTransfer.name(), t.mean(), t.sd());
        }
        Hyperparameters refit = chosen.hp().toBuilder()
                .epochs(Math.max(1, (int) Math.round(chosen.hp().epochs() * won.fraction()))).build();
        state = state.with("refitting", state.candidates(), chosen.name(), avoided, note, folds.pool.size());
        SearchReport.Candidate c = candidate(chosen);
        listener.onSearch(new SearchUpdate(SearchUpdate.Kind.CHOSEN, state, c));
        log.info("Search for {}: {}", request.base().id(), note);
        return new Outcome(chosen, refit, state, outOfFold(won));
    }

    /** Trains {@code spec} for {@code fraction} of its budget on every fold not already scored. */
    private boolean evaluate(Candidates.Spec spec, int rung, double fraction) {
        int epochs = Math.max(1, (int) Math.round(spec.hp().epochs() * fraction));
        SearchReport.Candidate c = candidate(spec);
        List<SearchReport.Fold> done = new ArrayList<>(c.rungs().stream().filter(r -> r.rung() == rung)
                .findFirst().map(SearchReport.Rung::folds).orElse(List.of()));
        boolean ran = false;
        for (int f = 0; f < folds.count; f++) {
            int fold = f;
            if (done.stream().anyMatch(d -> d.fold() == fold)) {
                continue;
            }
            ran = true;
            SearchReport.Fold scored = foldRun(spec, epochs, f);
            if (scored == null) {
                return false;
            }
            done.add(scored);
            c = c.withRung(SearchReport.Rung.of(rung, Runs.round(fraction), epochs, done));
            replace(c);
            listener.onSearch(new SearchUpdate(SearchUpdate.Kind.FOLD, state, c));
        }
        if (ran) {
            listener.onSearch(new SearchUpdate(SearchUpdate.Kind.RUNG, state, c));
        }
        return true;
    }

    private SearchReport.Fold foldRun(Candidates.Spec spec, int epochs, int fold) {
        long start = System.nanoTime();
        Hyperparameters hp = spec.hp().toBuilder().epochs(epochs).earlyStoppingPatience(0).build();
        TrainingData split = folds.split(request.data(), fold);
        try (NDManager manager = NDManager.newBaseManager(request.device())) {
            Trainer.Trained t = Trainer.train(new Trainer.Plan(spec.base(), spec.strategy(), hp, split, false, null,
                    null), manager, stepsOnly(), cancel);
            if (t.stop() == TrainingLoop.Stop.CANCELLED) {
                return null;
            }
            TrainingLoop.Measured m = t.evaluate();
            int[] predicted = new int[m.probabilities().length];
            for (int i = 0; i < predicted.length; i++) {
                predicted[i] = Evaluation.argMax(m.probabilities()[i]);
            }
            return new SearchReport.Fold(fold, Runs.round(m.accuracy()), Runs.round(m.loss()),
                    Runs.round((System.nanoTime() - start) / 1e9), predicted);
        }
    }

    /** Fold runs pass their steps on (for stop requests) but no epochs: they are not the job's epochs. */
    private TrainingListener stepsOnly() {
        return new TrainingListener() {
            @Override
            public void onStep(StepProgress step) {
                listener.onStep(step);
            }
        };
    }

    /** The chosen candidate's held-out predictions over every fold, as an evaluation report. */
    private EvaluationReport outOfFold(SearchReport.Rung rung) {
        List<Integer> truth = new ArrayList<>();
        List<float[]> probabilities = new ArrayList<>();
        int k = request.data().labels().size();
        for (SearchReport.Fold fold : rung.folds()) {
            int[] held = folds.heldOut(fold.fold());
            for (int i = 0; i < held.length; i++) {
                truth.add(folds.pool.get(held[i]).label());
                float[] p = new float[k];
                p[fold.predictions()[i]] = 1;
                probabilities.add(p);
            }
        }
        return Evaluation.report(request.data().labels(), truth.stream().mapToInt(Integer::intValue).toArray(),
                probabilities.toArray(new float[0][]), (float) rung.meanLoss());
    }

    private Comparator<Candidates.Spec> ranking(int rung) {
        return Comparator.<Candidates.Spec>comparingDouble(s -> -rungOf(s, rung).mean())
                .thenComparingDouble(s -> rungOf(s, rung).meanLoss()).thenComparingDouble(Candidates.Spec::cost);
    }

    private Comparator<Candidates.Spec> finalRanking() {
        return Comparator.<Candidates.Spec>comparingDouble(s -> -candidate(s).last().mean())
                .thenComparingDouble(s -> candidate(s).last().meanLoss()).thenComparingDouble(Candidates.Spec::cost);
    }

    private SearchReport.Rung rungOf(Candidates.Spec spec, int rung) {
        return candidate(spec).rungs().stream().filter(r -> r.rung() == rung).findFirst().orElseThrow();
    }

    private SearchReport.Candidate candidate(Candidates.Spec spec) {
        return state.candidates().stream().filter(c -> c.name().equals(spec.name())).findFirst().orElseThrow();
    }

    private void replace(SearchReport.Candidate updated) {
        state = state.with(state.status(), state.candidates().stream()
                .map(c -> c.name().equals(updated.name()) ? updated : c).toList(), state.chosen(),
                state.negativeTransferAvoided(), state.note(), state.refitExamples());
    }

    /** A candidate as the resumed state left it (its finished folds kept), or fresh. */
    private static SearchReport.Candidate previous(SearchReport resumed, Candidates.Spec spec) {
        SearchReport.Candidate fresh = new SearchReport.Candidate(spec.name(), spec.strategy().wireName(),
                spec.base().id(), spec.transfer(), Candidates.describe(spec), spec.cost(), List.of());
        if (resumed == null) {
            return fresh;
        }
        return resumed.candidates().stream().filter(c -> c.name().equals(spec.name()))
                .map(c -> new SearchReport.Candidate(fresh.name(), fresh.strategy(), fresh.base(), fresh.transfer(),
                        fresh.hyperparameters(), fresh.cost(), c.rungs()))
                .findFirst().orElse(fresh);
    }

    /**
     * The finalists' share of a default run's steps that spends the budget: fold runs cost
     * {@code cost × share × foldFactor} default runs (a fold trains on another number of examples
     * than the default run's train split), the refit {@code cost × share × refitFactor}.
     */
    static double budgetFraction(List<Candidates.Spec> cheap, List<Candidates.Spec> costly, boolean halving,
            int promoted, int k, double foldFactor, double refitFactor, double budget) {
        double perShare = cost(List.of(), costly, halving, promoted, k, foldFactor, refitFactor, 1);
        double left = PLANNED_SHARE * budget - cost(cheap, List.of(), halving, promoted, k, foldFactor, refitFactor, 1);
        return perShare <= 0 ? 1 : Math.max(0.05, Math.min(1, left / perShare));
    }

    private static double cost(List<Candidates.Spec> cheap, List<Candidates.Spec> costly, boolean halving,
            int promoted, int k, double foldFactor, double refitFactor, double share) {
        double total = cheap.stream().mapToDouble(Candidates.Spec::cost).sum() * k * foldFactor;
        if (costly.isEmpty()) {
            return total + cheap.stream().mapToDouble(Candidates.Spec::cost).max().orElse(0) * refitFactor;
        }
        double sum = costly.stream().mapToDouble(Candidates.Spec::cost).sum();
        double top = costly.stream().map(Candidates.Spec::cost).sorted(Comparator.reverseOrder()).limit(promoted)
                .mapToDouble(Double::doubleValue).sum();
        double folds = k * foldFactor * share * (halving ? sum / ETA + top : sum);
        double refit = costly.stream().mapToDouble(Candidates.Spec::cost).max().orElse(0) * refitFactor * share;
        return total + folds + refit;
    }
}
