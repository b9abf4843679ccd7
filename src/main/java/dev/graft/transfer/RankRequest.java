package dev.graft.transfer;

import java.util.List;

/**
 * A checked {@code POST /v1/models:rank} body.
 *
 * @param candidates the bases to rank, or null for every available base of the dataset's modality
 * @param sampleSize training examples to embed (a stratified sample; all of them if fewer)
 * @param seed       draws the sample and any random initialisation
 */
record RankRequest(String dataset, List<String> candidates, int sampleSize, long seed) {
}
