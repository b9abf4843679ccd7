package dev.graft.dataset;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.Generated;

/** A validated dataset upload. Never leaves this package: the API sees {@link DatasetView}. */
@Entity
@Table(name = "datasets")
class Dataset {

    @Id
    private String id;

    /** Filled by the database; orders the list for cursor pagination. */
    @Generated
    @Column(insertable = false, updatable = false)
    private Long seq;

    /** The owner; only its requests see the dataset. */
    private String tenantId;
    private String name;
    private String format;
    private String status;
    private String filename;
    private long bytes;
    private String sha256;
    private int numExamples;

    /** JSON text of {@link DatasetStats}; the cast lets a plain string bind to the jsonb column. */
    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    private String stats;

    private double validationFraction;
    private long splitSeed;
    private int trainExamples;
    private int validationExamples;
    private Instant createdAt;

    protected Dataset() {
    }

    Dataset(String id, String tenantId, String name, String format, String filename, long bytes, String sha256, int numExamples,
            String stats, double validationFraction, long splitSeed, int trainExamples, int validationExamples,
            Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.name = name;
        this.format = format;
        this.status = "ready";
        this.filename = filename;
        this.bytes = bytes;
        this.sha256 = sha256;
        this.numExamples = numExamples;
        this.stats = stats;
        this.validationFraction = validationFraction;
        this.splitSeed = splitSeed;
        this.trainExamples = trainExamples;
        this.validationExamples = validationExamples;
        this.createdAt = createdAt;
    }

    String id() { return id; }
    Long seq() { return seq; }
    String tenantId() { return tenantId; }
    String name() { return name; }
    String format() { return format; }
    String status() { return status; }
    String filename() { return filename; }
    long bytes() { return bytes; }
    String sha256() { return sha256; }
    int numExamples() { return numExamples; }
    String stats() { return stats; }
    double validationFraction() { return validationFraction; }
    long splitSeed() { return splitSeed; }
    int trainExamples() { return trainExamples; }
    int validationExamples() { return validationExamples; }
    Instant createdAt() { return createdAt; }
}
