package dev.graft.dataset.internal;

/**
 * Bounds that keep a hostile or broken upload from exhausting the server; each is checked while
 * the upload is read, before memory is spent on what it bounds.
 *
 * @param archive          image-folder ZIPs
 * @param rows             csv and text files
 * @param labels           classes, for every format
 * @param maxImagePixels   width × height above which an image is refused before decoding
 * @param maxListedErrors  problems listed in a response (all are counted)
 */
public record DatasetLimits(Archive archive, Rows rows, Labels labels, long maxImagePixels, int maxListedErrors) {

    /**
     * @param maxEntries               entries a ZIP may hold (directories included), counted in
     *                                 its central directory before the archive is opened
     * @param maxCentralDirectoryBytes bytes the central directory's records may take together
     * @param maxUncompressedBytes     total bytes all entries may inflate to, counted while inflating
     * @param maxInflateRatio          largest uncompressed/compressed ratio tolerated for an entry
     *                                 once it inflates past {@code ratioCheckThresholdBytes} (zip bomb)
     * @param ratioCheckThresholdBytes entries smaller than this are not ratio-checked (tiny files
     *                                 compress well legitimately)
     */
    public record Archive(int maxEntries, long maxCentralDirectoryBytes, long maxUncompressedBytes, double maxInflateRatio,
            long ratioCheckThresholdBytes) {
    }

    /**
     * @param maxLineBytes longest line (a JSON Lines line, a CSV record with its quoted line
     *                     breaks), so also the longest field
     * @param maxRows      data rows (examples, good or bad) a file may hold
     */
    public record Rows(long maxLineBytes, long maxRows) {
    }

    /**
     * @param maxClasses          distinct labels a dataset may have
     * @param maxLength           characters a label may have
     * @param minExamplesPerClass fewest examples a class may have
     */
    public record Labels(int maxClasses, int maxLength, int minExamplesPerClass) {
    }
}
