package dev.graft.dataset;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import dev.graft.dataset.internal.DatasetLimits;

/** Dataset upload limits and split defaults ({@code graft.datasets.*}); defaults in application.yaml. */
@Validated
@ConfigurationProperties("graft.datasets")
public record DatasetProperties(
        @DefaultValue("2GB") DataSize maxUploadSize,
        @DefaultValue("0.2") @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false) double defaultValidationFraction,
        @DefaultValue("42") long defaultSplitSeed,
        @DefaultValue("5") @Min(1) int minExamplesPerClass,
        @DefaultValue("100") @Min(1) int maxListedErrors,
        @DefaultValue Archive archive,
        @DefaultValue("40000000") @Min(1) long maxImagePixels) {

    /** Zip-bomb and zip-slip guards for image archives. */
    public record Archive(
            @DefaultValue("100000") @Min(1) int maxEntries,
            @DefaultValue("8GB") DataSize maxUncompressedSize,
            @DefaultValue("100") @DecimalMin("1") double maxInflateRatio,
            @DefaultValue("100KB") DataSize ratioCheckThreshold) {
    }

    DatasetLimits limits() {
        return new DatasetLimits(archive.maxEntries(), archive.maxUncompressedSize().toBytes(), archive.maxInflateRatio(),
                archive.ratioCheckThreshold().toBytes(), maxImagePixels, minExamplesPerClass, maxListedErrors);
    }
}
