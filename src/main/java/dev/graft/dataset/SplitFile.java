package dev.graft.dataset;

import java.util.List;

import dev.graft.dataset.internal.Example;

/**
 * The stored split ({@code datasets/<id>/split.json}): every example with its label and location,
 * and the indices of each side, and the column names the file was read with. Written once at
 * upload, so later jobs never recompute it.
 */
record SplitFile(int formatVersion, long seed, double validationFraction, List<Example> examples,
        List<Integer> train, List<Integer> validation, String labelColumn, String textColumn) {

    static final int FORMAT_VERSION = 1;
}
