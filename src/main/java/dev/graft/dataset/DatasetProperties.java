package dev.graft.dataset;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import dev.graft.dataset.internal.DatasetLimits;

/**
 * Dataset upload limits and split defaults ({@code graft.datasets.*}); defaults in application.yaml.
 *
 * @param maxLineSize    longest line of a csv or text upload (a CSV record counts with its quoted
 *                       line breaks), so also its longest field
 * @param maxRows        data rows a csv or text upload may hold
 * @param maxClasses     distinct labels a dataset may have
 * @param maxLabelLength characters a label may have
 */
@Validated
@ConfigurationProperties("graft.datasets")
public record DatasetProperties(
        @DefaultValue("2GB") DataSize maxUploadSize,
        @DefaultValue("0.2") @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false) double defaultValidationFraction,
        @DefaultValue("42") long defaultSplitSeed,
        @DefaultValue("5") @Min(1) int minExamplesPerClass,
        @DefaultValue("100") @Min(1) int maxListedErrors,
        @DefaultValue Archive archive,
        @DefaultValue("40000000") @Min(1) long maxImagePixels,
        @DefaultValue("1MB") DataSize maxLineSize,
        @DefaultValue("1000000") @Min(1) long maxRows,
        @DefaultValue("1000") @Min(2) int maxClasses,
        @DefaultValue("256") @Min(1) int maxLabelLength) {

    /**
     * Zip-bomb and zip-slip guards for image archives.
     *
     * @param maxCentralDirectorySize bytes the archive's entry records (its central directory) may
     *                                take; read before the archive is opened, as is the entry count
     */
    public record Archive(
            @DefaultValue("100000") @Min(1) int maxEntries,
            @DefaultValue("32MB") DataSize maxCentralDirectorySize,
            @DefaultValue("8GB") DataSize maxUncompressedSize,
            @DefaultValue("100") @DecimalMin("1") double maxInflateRatio,
            @DefaultValue("100KB") DataSize ratioCheckThreshold) {
    }

    DatasetLimits limits() {
        return new DatasetLimits(
                new DatasetLimits.Archive(archive.maxEntries(), archive.maxCentralDirectorySize().toBytes(),
                        archive.maxUncompressedSize().toBytes(), archive.maxInflateRatio(), archive.ratioCheckThreshold().toBytes()),
                new DatasetLimits.Rows(maxLineSize.toBytes(), maxRows),
                new DatasetLimits.Labels(maxClasses, maxLabelLength, minExamplesPerClass),
                maxImagePixels, maxListedErrors);
    }
}
