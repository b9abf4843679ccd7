package dev.graft.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

import dev.graft.dataset.internal.DatasetErrors;
import dev.graft.dataset.internal.DatasetFormat;
import dev.graft.dataset.internal.DatasetReaders;
import dev.graft.dataset.internal.DatasetValidator;
import dev.graft.dataset.internal.ReadOptions;
import dev.graft.dataset.internal.ScannedDataset;
import dev.graft.dataset.internal.SplitPlanner;
import dev.graft.storage.ArtifactStore;
import dev.graft.storage.StagedArtifact;
import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;
import dev.graft.web.ProblemType;

/**
 * The upload pipeline up to, not including, publication: checks the form fields, streams the file
 * into a staged artifact (hashing it on the way), reads and validates it, and plans the split.
 * Anything wrong throws a problem and the staged file is deleted, so a rejected upload leaves
 * nothing behind.
 */
@Component
class DatasetIngest {

    static final int MAX_NAME_LENGTH = 256;

    private final ArtifactStore store;
    private final DatasetProperties properties;

    DatasetIngest(ArtifactStore store, DatasetProperties properties) {
        this.store = store;
        this.properties = properties;
    }

    /** A checked upload, staged and ready to publish. The caller must close {@code staged}. */
    record Accepted(Settings settings, StagedArtifact staged, ScannedDataset scan, SplitPlanner.Split split) {
    }

    /** The form fields after defaults were applied. */
    record Settings(String name, DatasetFormat format, String filename, double validationFraction, long seed,
            String labelColumn, String textColumn) {
    }

    Accepted ingest(NewDataset request, InputStream content) throws IOException {
        Settings settings = checkFields(request);
        StagedArtifact staged = store.stage(content);
        try {
            if (staged.size() == 0) {
                throw invalid(settings, List.of(new FieldError("file", "the uploaded file is empty")), 1);
            }
            ReadOptions options = new ReadOptions(settings.labelColumn(), settings.textColumn(), settings.filename(),
                    properties.limits());
            DatasetErrors errors = new DatasetErrors(properties.maxListedErrors());
            ScannedDataset scan = DatasetReaders.forFormat(settings.format()).scan(staged.path(), options, errors);
            if (errors.isEmpty()) {
                DatasetValidator.validate(settings.format(), scan.examples(), properties.limits(), errors);
            }
            if (!errors.isEmpty()) {
                List<FieldError> listed = errors.listed().stream().map(i -> new FieldError(i.location(), i.message())).toList();
                throw invalid(settings, listed, errors.total());
            }
            SplitPlanner.Split split = SplitPlanner.plan(scan.examples(), settings.validationFraction(), settings.seed());
            return new Accepted(settings, staged, scan, split);
        }
        catch (IOException | RuntimeException e) {
            staged.close();
            throw e;
        }
    }

    private Settings checkFields(NewDataset request) {
        List<FieldError> errors = new ArrayList<>();
        DatasetFormat format = null;
        if (!StringUtils.hasText(request.format())) {
            errors.add(new FieldError("format", "is required: one of image_folder, csv, text"));
        }
        else {
            format = DatasetFormat.fromWireName(request.format()).orElse(null);
            if (format == null) {
                errors.add(new FieldError("format", "'" + request.format() + "' is not a format Graft reads: use image_folder, csv or text"));
            }
        }
        String name = StringUtils.hasText(request.name()) ? request.name().strip() : baseName(request.filename());
        if (!StringUtils.hasText(name)) {
            errors.add(new FieldError("name", "is required when the file has no name"));
        }
        else if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("name", "must be at most " + MAX_NAME_LENGTH + " characters without control characters"));
        }
        double fraction = request.validationFraction() == null ? properties.defaultValidationFraction() : request.validationFraction();
        if (!(fraction > 0 && fraction < 1)) {
            errors.add(new FieldError("validation_fraction", "must be greater than 0 and less than 1, was " + request.validationFraction()));
        }
        checkColumn("label_column", request.labelColumn(), format, errors);
        checkColumn("text_column", request.textColumn(), format, errors);
        if (format == DatasetFormat.CSV && request.textColumn() != null) {
            errors.add(new FieldError("text_column", "applies only to the text format"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.unprocessable(errors);
        }
        return new Settings(name, format, baseName(request.filename()), fraction,
                request.seed() == null ? properties.defaultSplitSeed() : request.seed(),
                request.labelColumn() == null ? "label" : request.labelColumn(),
                request.textColumn() == null ? "text" : request.textColumn());
    }

    private static void checkColumn(String field, String value, DatasetFormat format, List<FieldError> errors) {
        if (value == null) {
            return;
        }
        if (value.isBlank()) {
            errors.add(new FieldError(field, "must not be blank"));
        }
        else if (format == DatasetFormat.IMAGE_FOLDER) {
            errors.add(new FieldError(field, "does not apply to image_folder datasets: their labels are the folder names"));
        }
    }

    private static ApiProblem invalid(Settings settings, List<FieldError> errors, int total) {
        FieldError first = errors.get(0);
        String detail = "The upload is not a valid " + settings.format().wireName() + " dataset: "
                + (total == 1 ? "" : total + " problems, the first: ") + first.location() + ": " + first.message();
        return new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, ProblemType.INVALID_DATASET, detail, errors, total);
    }

    /** Browsers and curl may send a path as the part's filename; keep only its last segment. */
    private static String baseName(String filename) {
        if (filename == null) {
            return null;
        }
        String base = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1).strip();
        return base.isEmpty() ? null : base;
    }
}
