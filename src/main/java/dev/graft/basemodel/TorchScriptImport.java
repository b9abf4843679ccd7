package dev.graft.basemodel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
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
 * shape, in a separate process: see {@link IsolatedProbe}); only one that loads and returns the
 * declared number of values is committed to the store and then recorded. Anything wrong is a 422
 * naming the field, and the staged file is deleted, so a refused import leaves nothing behind.
 *
 * <p>Each import writes its files under a key of its own, {@code imports/<id>/<attempt>/}, and the
 * row it then inserts points there. Two concurrent imports of one id both pass the "id taken"
 * check; the primary key lets one row in, and the loser deletes only its own attempt's files,
 * never the winner's.
 */
@Service
public class TorchScriptImport {

    private static final Logger log = LoggerFactory.getLogger(TorchScriptImport.class);

    private final ImportedBaseRepository imports;
    private final ArtifactStore store;
    private final ImportDescriptors descriptors;
    private final BaseModelCatalog catalog;
    private final ImportProperties properties;
    private final TrainingProperties training;
    private final Semaphore permits;

    TorchScriptImport(ImportedBaseRepository imports, ArtifactStore store, JsonMapper json, BaseModelCatalog catalog,
            ImportProperties properties, TrainingProperties training) {
        this.properties = properties;
        this.training = training;
        this.imports = imports;
        this.store = store;
        this.descriptors = new ImportDescriptors(json);
        this.catalog = catalog;
        this.permits = new Semaphore(properties.maxConcurrent());
    }

    /** One of the {@code graft.imports.max-concurrent} import slots, released on close. */
    public interface ImportSlot extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * An import slot, or 503 with {@code Retry-After} when all are taken. Taken before the upload is
     * read: each import stages a file, unpacks or probes it and loads a network.
     */
    public ImportSlot startImport() {
        if (!permits.tryAcquire()) {
            ApiProblem problem = new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, ProblemType.SERVICE_UNAVAILABLE,
                    properties.maxConcurrent() + " model imports are already in progress (graft.imports.max-concurrent); "
                            + "retry shortly");
            problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, properties.retryAfter().toSeconds())));
            throw problem;
        }
        return permits::release;
    }

    /** Validates, loads, checks and stores an upload; returns the new base. */
    public ImportedBase importModel(String tenantId, InputStream file, String descriptorJson) {
        ImportDescriptors.Descriptor d = descriptors.parse(descriptorJson);
        boolean graft = ImportedBase.GRAFT.equals(d.format());
        List<FieldError> errors = graft ? ImportDescriptors.validateGraft(d) : ImportDescriptors.validate(d);
        if (!errors.isEmpty()) {
            throw ApiProblem.unprocessable(errors);
        }
        String id = d.id() == null ? Ids.newId("imp") : d.id();
        // Ids are unique across tenants (they name artifact directories and sit in shared URLs).
        // A fast answer only: a concurrent import of the same id is settled by the row's primary key.
        if (catalog.idTaken(id)) {
            throw taken(id);
        }
        String attempt = ImportedBase.attemptPrefix(id, UUID.randomUUID().toString());
        try (StagedArtifact staged = store.stage(file)) {
            ImportedBase base = graft
                    ? GraftArtifactImport.check(staged, id, tenantId, d.name(), d.modality(), attempt, store)
                    : checkTorchScript(staged, d, id, tenantId, attempt);
            record(base, attempt);
        }
        catch (IOException | RuntimeException e) {
            // Not recorded: these files are this attempt's alone, whoever else imports this id.
            deleteQuietly(attempt);
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
        return imports.find(id).orElseThrow();
    }

    private ImportedBase checkTorchScript(StagedArtifact staged, ImportDescriptors.Descriptor d, String id, String tenantId,
            String attempt) throws IOException {
        int channels = d.inputShape().get(0);
        float[] mean = d.normalisation() == null ? new float[channels] : ImportDescriptors.floats(d.normalisation().mean());
        float[] std = d.normalisation() == null ? ImportDescriptors.ones(channels) : ImportDescriptors.floats(d.normalisation().std());
        FieldError problem = IsolatedProbe.check(staged.path(), d.inputShape(), d.embeddingSize(),
                properties.probeJvmOptions(), training.dataDirectory(), properties.probeTimeout());
        if (problem != null) {
            throw ApiProblem.unprocessable(List.of(problem));
        }
        String key = ImportedBase.moduleKey(attempt);
        ImportedBase base = new ImportedBase(id, tenantId, d.name() == null ? id : d.name(), ImportedBase.TORCHSCRIPT, "image",
                d.inputShape(), mean, std, d.output(), d.embeddingSize(), key, staged.size(), staged.sha256(), Instant.now());
        store.commit(staged, key);
        return base;
    }

    /**
     * Writes the row; its files are already in the store under this attempt's prefix, and the caller
     * deletes them if the row cannot be written.
     */
    private void record(ImportedBase base, String attempt) {
        try {
            imports.insert(base);
        }
        catch (DuplicateKeyException e) {
            throw taken(base.id());
        }
        log.info("Imported {} base {} ({} bytes, {} values per example) into {}", base.format(), base.id(), base.bytes(),
                base.embeddingSize(), attempt);
    }

    static ApiProblem taken(String id) {
        return new ApiProblem(HttpStatus.CONFLICT, ProblemType.CONFLICT, "A model with id '" + id + "' already exists");
    }

    /** The tenant's import, if it has one with this id. */
    public Optional<ImportedBase> find(String tenantId, String id) {
        return imports.find(id).filter(m -> m.tenantId().equals(tenantId));
    }

    /** Deletes the tenant's row, then its files; the caller has checked that no job needs it. */
    public boolean delete(String tenantId, String id) {
        Optional<ImportedBase> base = find(tenantId, id);
        if (base.isEmpty() || !imports.delete(tenantId, id)) {
            return false;
        }
        // The row's own files only: an import of the same id may be under way beside them.
        deleteQuietly(ImportedBase.filesPrefix(base.get().artifact()));
        return true;
    }

    private void deleteQuietly(String prefix) {
        try {
            store.deleteAll(prefix);
        }
        catch (IOException e) {
            log.warn("Imported model files under {}: cannot remove them: {}", prefix, e.toString());
        }
    }
}
