package dev.graft.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The search of strategy {@code auto}, as it stands: every candidate with each evaluation it got
 * (a rung of successive halving: a share of the default step budget, scored on held-out folds),
 * the choice once made, and whether the choice avoided negative transfer. It is also the search's
 * checkpoint: a resumed search skips every fold already scored here.
 *
 * @param status {@code searching}, {@code refitting} or {@code done}
 * @param budget the search's cost bound, in default single runs (the refit included)
 * @param evaluation {@code cross_validation} (stratified folds over all labelled examples) or
 *     {@code validation_split} (large sets: the dataset's own split)
 * @param budgetFraction share of a default run's steps the finalists and the refit train for
 * @param chosen the winning candidate's name, once decided
 * @param negativeTransferAvoided true when a no-transfer candidate won against every transfer one
 * @param note one sentence on the choice, for people
 * @param refitExamples examples the chosen configuration was refitted on (all labelled ones)
 * @param given what the client fixed, by the jobs API's names (every candidate kept it)
 */
public record SearchReport(String status, double budget, Map<String, Object> given, String evaluation, int folds,
        int labelledExamples, double budgetFraction, List<Candidate> candidates, String chosen,
        Boolean negativeTransferAvoided, String note, Integer refitExamples,
        double estimatedCost) {

    public SearchReport {
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
    }

    /**
     * @param transfer whether the candidate starts from the pretrained base (false: the
     *     no-transfer candidates, from random weights or a plain linear model)
     * @param cost estimated cost of one fold run at the full step budget, in default single runs
     */
    public record Candidate(String name, String strategy, String base, boolean transfer,
            Map<String, Object> hyperparameters, double cost, List<Rung> rungs) {

        public Candidate {
            rungs = rungs == null ? List.of() : List.copyOf(rungs);
        }

        /** The evaluation at the largest budget it reached, or null. */
        public Rung last() {
            return rungs.isEmpty() ? null : rungs.get(rungs.size() - 1);
        }

        Candidate withRung(Rung rung) {
            List<Rung> all = new ArrayList<>(rungs);
            all.removeIf(r -> r.rung() == rung.rung());
            all.add(rung);
            all.sort(java.util.Comparator.comparingInt(Rung::rung));
            return new Candidate(name, strategy, base, transfer, hyperparameters, cost, all);
        }
    }

    /**
     * One rung: the candidate trained for {@code epochs} ({@code fraction} of its full budget) on
     * each fold's training part and scored on the held-out part.
     *
     * @param mean mean held-out accuracy over the folds done
     * @param sd their sample standard deviation (0 with one fold)
     */
    public record Rung(int rung, double fraction, int epochs, List<Fold> folds, double mean,
            double sd, double meanLoss, double seconds) {

        public Rung {
            folds = folds == null ? List.of() : List.copyOf(folds);
        }

        static Rung of(int rung, double fraction, int epochs, List<Fold> folds) {
            double mean = folds.stream().mapToDouble(Fold::accuracy).average().orElse(Double.NaN);
            double loss = folds.stream().mapToDouble(Fold::loss).average().orElse(Double.NaN);
            double var = 0;
            for (Fold f : folds) {
                var += (f.accuracy() - mean) * (f.accuracy() - mean);
            }
            double sd = folds.size() < 2 ? 0 : Math.sqrt(var / (folds.size() - 1));
            double seconds = folds.stream().mapToDouble(Fold::seconds).sum();
            return new Rung(rung, fraction, epochs, folds, Runs.round(mean), Runs.round(sd), Runs.round(loss),
                    Runs.round(seconds));
        }
    }

    /**
     * One fold run. {@code predictions} are the predicted class of each held-out example in pool
     * order: what the chosen candidate's out-of-fold evaluation is built from after a resume.
     */
    public record Fold(int fold, double accuracy, double loss, double seconds,
            @JsonInclude(JsonInclude.Include.NON_NULL) int[] predictions) {
    }

    /** Without the per-example predictions: what the job and the model show. */
    public SearchReport summary() {
        List<Candidate> light = candidates.stream().map(c -> new Candidate(c.name(), c.strategy(),
                c.base(), c.transfer(), c.hyperparameters(), c.cost(), c.rungs().stream()
                        .map(r -> new Rung(r.rung(), r.fraction(), r.epochs(), r.folds().stream()
                                .map(f -> new Fold(f.fold(), f.accuracy(), f.loss(), f.seconds(),
                                        null)).toList(), r.mean(), r.sd(), r.meanLoss(),
                                r.seconds())).toList())).toList();
        return new SearchReport(status, budget, given, evaluation, folds, labelledExamples,
                budgetFraction, light, chosen, negativeTransferAvoided, note, refitExamples,
                estimatedCost);
    }

    SearchReport with(String newStatus, List<Candidate> newCandidates, String newChosen,
            Boolean avoided, String newNote, Integer refit) {
        return new SearchReport(newStatus, budget, given, evaluation, folds, labelledExamples,
                budgetFraction, newCandidates, newChosen, avoided, newNote, refit, estimatedCost);
    }
}
