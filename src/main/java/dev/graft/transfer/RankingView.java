package dev.graft.transfer;

import java.util.List;

/**
 * The answer of {@code POST /v1/models:rank}: the list envelope's {@code object} and {@code data}
 * (not paged: a ranking is whole), best first.
 *
 * @param sampleSize training examples every candidate embedded
 * @param excluded   bases that were candidates but were not scored, with the reason
 */
public record RankingView(String object, String dataset, List<RankedModel> data, int sampleSize, long seed,
        List<ExcludedModel> excluded) {

    /**
     * @param score         LogME: the mean per-example log evidence of a linear model on the frozen
     *                      embeddings (higher is better; comparable across bases on one sample)
     * @param pretrained    false for a randomly initialised architecture, the "from scratch" baseline
     * @param examples      examples embedded and scored
     * @param seconds       embedding plus scoring time
     */
    public record RankedModel(String model, double score, int rank, boolean pretrained, int embeddingSize, int examples,
            double seconds) {
    }

    public record ExcludedModel(String model, String reason) {
    }
}
