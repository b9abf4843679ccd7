package dev.graft.training;

/**
 * What the search just did, with its whole state (which is also its checkpoint: persist
 * {@code report} to resume a search where it stopped).
 *
 * @param candidate the candidate concerned ({@code FOLD}, {@code RUNG}); null otherwise
 */
public record SearchUpdate(Kind kind, SearchReport report, SearchReport.Candidate candidate) {

    public enum Kind {
        /** The plan: candidates, folds, budget; nothing trained yet (or resumed). */
        STARTED,
        /** One fold run scored. */
        FOLD,
        /** A candidate finished a rung on every fold. */
        RUNG,
        /** The winner is decided; the refit on all labelled examples starts. */
        CHOSEN
    }
}
