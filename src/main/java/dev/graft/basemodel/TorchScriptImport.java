package dev.graft.basemodel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.storage.ArtifactStore;
import dev.graft.storage.StagedArtifact;
import dev.graft.training.TrainingProperties;
import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;
import dev.graft.web.Ids;
import dev.graft.web.ProblemType;

/**
 * Imports a TorchScript image module, or a Graft model artifact (format {@code graft}), as a base
 * model. The upload is staged and loaded (a module is also run on a dummy batch of the declared
 * shape, in a separate process: see {@link IsolatedProbe}); only one that loads and returns the declared number of values is committed to the
 * store and then recorded. Anything wrong is a 422 naming the
 * field, and the staged file is deleted, so a refused import leaves nothing behind.
 */
@Service
public class TorchScriptImport {

    private static final Logger log = LoggerFactory.getLogger(TorchScriptImport.class);
    // No '/' (ids are path segments) and no ':' (fine-tuned models are ft:…).
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final int MAX_SIDE = 1024;

    private final ImportedBaseRepository imports;
    private final ArtifactStore store;
    private final JsonMapper json;
    private final BaseModelCatalog catalog;
    private final ImportProperties properties;
    private final TrainingProperties training;

    TorchScriptImport(ImportedBaseRepository imports, ArtifactStore store, JsonMapper json, BaseModelCatalog catalog,
            ImportProperties properties, TrainingProperties training) {
        this.properties = properties;
        this.training = training;
        this.imports = imports;
        this.store = store;
        this.json = json;
        this.catalog = catalog;
    }

    /**
     * What the uploader says the module is. {@code embedding_size} is the number of values per
     * example the module returns, whether they are an embedding or logits.
     */
    public record Descriptor(String id, String name, String format, String modality, List<Integer> inputShape,
            Normalisation normalisation, String output, Integer embeddingSize) {
    }

    /** Per-channel {@code (x - mean) / std} after scaling pixels to [0,1]. */
    public record Normalisation(List<Float> mean, List<Float> std) {
    }

    /** Validates, loads, checks and stores an upload; returns the new base. */
    public ImportedBase importModel(String tenantId, InputStream file, String descriptorJson) {
        Descriptor d = parse(descriptorJson);
        boolean graft = ImportedBase.GRAFT.equals(d.format());
        List<FieldError> errors = graft ? validateGraft(d) : validate(d);
        if (!errors.isEmpty()) {
            throw ApiProblem.unprocessable(errors);
        }
        String id = d.id() == null ? Ids.newId("imp") : d.id();
        // Ids are unique across tenants (they name artifact directories and sit in shared URLs).
        if (catalog.idTaken(id)) {
            throw new ApiProblem(HttpStatus.CONFLICT, ProblemType.CONFLICT, "A model with id '" + id + "' already exists");
        }
        try (StagedArtifact staged = store.stage(file)) {
            ImportedBase base;
            if (graft) {
                try {
                    base = GraftArtifactImport.check(staged, id, tenantId, d.name(), d.modality(), store);
                }
                catch (IOException | RuntimeException e) {
                    deleteQuietly(id);
                    throw e;
                }
            }
            else {
                base = checkTorchScript(staged, d, id, tenantId);
            }
            return record(base);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ImportedBase checkTorchScript(StagedArtifact staged, Descriptor d, String id, String tenantId) throws IOException {
        int channels = d.inputShape().get(0);
        float[] mean = d.normalisation() == null ? new float[channels] : floats(d.normalisation().mean());
        float[] std = d.normalisation() == null ? ones(channels) : floats(d.normalisation().std());
        FieldError problem = IsolatedProbe.check(staged.path(), d.inputShape(), d.embeddingSize(),
                properties.probeJvmOptions(), training.dataDirectory(), properties.probeTimeout());
        if (problem != null) {
            throw ApiProblem.unprocessable(List.of(problem));
        }
        String key = ImportedBase.artifactKey(id);
        ImportedBase base = new ImportedBase(id, tenantId, d.name() == null ? id : d.name(), ImportedBase.TORCHSCRIPT, "image",
                d.inputShape(), mean, std, d.output(), d.embeddingSize(), key, staged.size(), staged.sha256(), Instant.now());
        store.commit(staged, key);
        return base;
    }

    /** Writes the row; its files are already in the store and go again if the row cannot be written. */
    private ImportedBase record(ImportedBase base) {
        try {
            imports.insert(base);
        }
        catch (RuntimeException e) {
            // The row is the truth: without it the committed files must go too.
            deleteQuietly(base.id());
            if (e instanceof DuplicateKeyException) {
                throw new ApiProblem(HttpStatus.CONFLICT, ProblemType.CONFLICT,
                        "A model with id '" + base.id() + "' already exists");
            }
            throw e;
        }
        log.info("Imported {} base {} ({} bytes, {} values per example)", base.format(), base.id(), base.bytes(),
                base.embeddingSize());
        return imports.find(base.id()).orElseThrow();
    }

    /** The tenant's import, if it has one with this id. */
    public Optional<ImportedBase> find(String tenantId, String id) {
        return imports.find(id).filter(m -> m.tenantId().equals(tenantId));
    }

    /** Deletes the tenant's row, then the file; the caller has checked that no job needs it. */
    public boolean delete(String tenantId, String id) {
        if (!imports.delete(tenantId, id)) {
            return false;
        }
        deleteQuietly(id);
        return true;
    }

    private void deleteQuietly(String id) {
        try {
            store.deleteAll("imports/" + id);
        }
        catch (IOException e) {
            log.warn("Imported model {}: cannot remove its files: {}", id, e.toString());
        }
    }

    private Descriptor parse(String descriptorJson) {
        if (descriptorJson == null || descriptorJson.isBlank()) {
            throw ApiProblem.unprocessable(List.of(new FieldError("descriptor", "is required: a JSON object")));
        }
        try {
            return json.readValue(descriptorJson, Descriptor.class);
        }
        catch (JacksonException e) {
            if (e.getPath().isEmpty()) {
                throw ApiProblem.unprocessable(List.of(new FieldError("descriptor", e instanceof MismatchedInputException
                        ? "must be a JSON object" : "is not a valid descriptor object (" + e.getOriginalMessage() + ")")));
            }
            // A value of the wrong type: name the field, in the wire's words rather than Jackson's Java types.
            throw ApiProblem.unprocessable(List.of(new FieldError(fieldOf(e), "must be " + jsonType(e))));
        }
    }

    /** {@code descriptor.input_shape}, {@code descriptor.normalisation.mean[1]}: where the bad value sits. */
    private static String fieldOf(JacksonException e) {
        StringBuilder field = new StringBuilder("descriptor");
        for (JacksonException.Reference ref : e.getPath()) {
            field.append(ref.getPropertyName() != null ? "." + ref.getPropertyName() : "[" + ref.getIndex() + "]");
        }
        return field.toString();
    }

    private static String jsonType(JacksonException e) {
        Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType()
                : e instanceof InputCoercionException c ? c.getTargetType() : null;
        String range = e instanceof InputCoercionException ? " within range" : "";
        if (target == null) {
            return "a value of another type";
        }
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
            return "an integer" + range;
        }
        if (Number.class.isAssignableFrom(target) || target == float.class || target == double.class) {
            return "a number" + range;
        }
        if (target == String.class) {
            return "a string";
        }
        return java.util.Collection.class.isAssignableFrom(target) || target.isArray() ? "an array" : "an object";
    }

    private static List<FieldError> validate(Descriptor d) {
        List<FieldError> errors = new ArrayList<>();
        if (d.id() != null && !SLUG.matcher(d.id()).matches()) {
            errors.add(new FieldError("descriptor.id", "must be 1-63 lower-case letters, digits, '.', '_' or '-'"));
        }
        if (d.format() != null && !d.format().equals(ImportedBase.TORCHSCRIPT)) {
            errors.add(new FieldError("descriptor.format", "must be 'torchscript' or 'graft', was '" + d.format() + "'"));
        }
        if (!"image".equals(d.modality())) {
            errors.add(new FieldError("descriptor.modality", "must be 'image' (imported TorchScript takes images)"));
        }
        List<Integer> shape = d.inputShape();
        boolean shapeOk = shape != null && shape.size() == 3 && (shape.get(0) == 1 || shape.get(0) == 3)
                && shape.get(1) != null && shape.get(2) != null && shape.get(1) > 0 && shape.get(2) > 0
                && shape.get(1) <= MAX_SIDE && shape.get(2) <= MAX_SIDE;
        if (!shapeOk) {
            errors.add(new FieldError("descriptor.input_shape",
                    "must be [channels, height, width] with 1 or 3 channels and sides of 1 to " + MAX_SIDE));
        }
        if (!"embeddings".equals(d.output()) && !"logits".equals(d.output())) {
            errors.add(new FieldError("descriptor.output", "must be 'embeddings' or 'logits'"));
        }
        if (d.embeddingSize() == null || d.embeddingSize() < 1 || d.embeddingSize() > 65536) {
            errors.add(new FieldError("descriptor.embedding_size", "must be an integer from 1 to 65536"));
        }
        Normalisation n = d.normalisation();
        if (n != null && shapeOk) {
            int c = shape.get(0);
            if (n.mean() == null || n.mean().size() != c || n.mean().contains(null)) {
                errors.add(new FieldError("descriptor.normalisation.mean", "must hold " + c + " numbers, one per channel"));
            }
            if (n.std() == null || n.std().size() != c || n.std().stream().anyMatch(s -> s == null || !(s > 0))) {
                errors.add(new FieldError("descriptor.normalisation.std", "must hold " + c
                        + " positive numbers, one per channel"));
            }
        }
        return errors;
    }

    /** A Graft artifact describes itself; only the id and a modality to double-check come from the uploader. */
    private static List<FieldError> validateGraft(Descriptor d) {
        List<FieldError> errors = new ArrayList<>();
        if (d.id() != null && !SLUG.matcher(d.id()).matches()) {
            errors.add(new FieldError("descriptor.id", "must be 1-63 lower-case letters, digits, '.', '_' or '-'"));
        }
        if (d.modality() != null && !List.of("image", "tabular", "text").contains(d.modality())) {
            errors.add(new FieldError("descriptor.modality", "must be image, tabular or text"));
        }
        return errors;
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** Per-channel standard deviations of 1: no scaling beyond [0,1]. */
    static float[] ones(int n) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, 1f);
        return out;
    }
}
