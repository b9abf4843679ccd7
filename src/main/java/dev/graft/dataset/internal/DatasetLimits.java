package dev.graft.dataset.internal;

/**
 * Bounds that keep a hostile or broken upload from exhausting the server.
 *
 * @param maxArchiveEntries      entries a ZIP may hold (directories included)
 * @param maxUncompressedBytes   total bytes all entries may inflate to, counted while inflating
 * @param maxInflateRatio        largest uncompressed/compressed ratio tolerated for an entry
 *                               once it inflates past {@code ratioCheckThresholdBytes} (zip bomb)
 * @param ratioCheckThresholdBytes entries smaller than this are not ratio-checked (tiny files
 *                               compress well legitimately)
 * @param maxImagePixels         width × height above which an image is refused before decoding
 * @param minExamplesPerClass    fewest examples a class may have
 * @param maxListedErrors        problems listed in a response (all are counted)
 */
public record DatasetLimits(
        int maxArchiveEntries,
        long maxUncompressedBytes,
        double maxInflateRatio,
        long ratioCheckThresholdBytes,
        long maxImagePixels,
        int minExamplesPerClass,
        int maxListedErrors) {
}
