package dev.graft.model;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.basemodel.BaseModelCatalog;
import dev.graft.basemodel.BaseModelCatalog.CatalogEntry;
import dev.graft.basemodel.TorchScriptImport;
import dev.graft.basemodel.UrlImport;
import dev.graft.security.Caller;
import dev.graft.security.Limits;
import dev.graft.storage.ArtifactStore;
import dev.graft.training.ModelArtifact;
import dev.graft.training.ModelDescriptor;
import dev.graft.web.ApiProblem;
import dev.graft.web.ListPage;
import dev.graft.web.ProblemType;

/**
 * The models feature: base models from the catalog and fine-tuned models from the registry, as
 * one resource. Lists show base models first (in catalog order), then fine-tuned models newest
 * first; the cursor is a model id.
 */
@Service
public class ModelService {

    private static final Logger log = LoggerFactory.getLogger(ModelService.class);

    private final ModelRegistry registry;
    private final BaseModelCatalog catalog;
    private final ArtifactStore store;
    private final ModelViews views;
    private final List<ModelUsage> usages;
    private final List<ModelServing> serving;
    private final TorchScriptImport imports;
    private final UrlImport urlImports;
    private final Limits limits;
    // Artifacts never change once registered, so their descriptors can be kept.
    private final Map<String, ModelDescriptor> descriptors = new ConcurrentHashMap<>();

    ModelService(ModelRegistry registry, BaseModelCatalog catalog, ArtifactStore store, JsonMapper json,
            List<ModelUsage> usages, List<ModelServing> serving, TorchScriptImport imports, UrlImport urlImports, Limits limits) {
        this.limits = limits;
        this.urlImports = urlImports;
        this.imports = imports;
        this.registry = registry;
        this.catalog = catalog;
        this.store = store;
        this.views = new ModelViews(json);
        this.usages = usages;
        this.serving = serving;
    }

    public ListPage<ModelView> list(Caller caller, String kind, String after, Integer limit) {
        String tenant = caller.tenantId();
        int size = ListPage.checkLimit(limit);
        if (kind != null && !kind.equals("base") && !kind.equals("fine_tuned")) {
            throw ApiProblem.invalidField("kind", "must be base or fine_tuned, was '" + kind + "'");
        }
        boolean bases = !"fine_tuned".equals(kind);
        boolean tuned = !"base".equals(kind);
        List<ModelView> rows = new ArrayList<>();
        boolean afterSeen = after == null;
        if (bases) {
            List<CatalogEntry> architectures = catalog.entries(tenant);
            int start = 0;
            for (int i = 0; !afterSeen && i < architectures.size(); i++) {
                if (architectures.get(i).id().equals(after)) {
                    start = i + 1;
                    afterSeen = true;
                }
            }
            if (afterSeen) {
                architectures.subList(start, architectures.size()).forEach(e -> rows.add(ModelViews.base(e)));
            }
        }
        Long beforeSeq = null;
        if (!afterSeen) {
            Optional<Long> seq = tuned ? registry.seqOf(tenant, after) : Optional.empty();
            beforeSeq = seq.orElseThrow(() -> ApiProblem.invalidField("after", "no model with id '" + after
                    + "' in this list to continue after"));
        }
        if (tuned && rows.size() <= size) {
            registry.newestFirst(tenant, beforeSeq, size + 1 - rows.size()).forEach(row -> rows.add(view(row)));
        }
        return ListPage.of(rows, size, ModelView::id);
    }

    public ModelView get(Caller caller, String id) {
        Optional<CatalogEntry> architecture = architecture(caller, id);
        if (architecture.isPresent()) {
            return ModelViews.base(architecture.get());
        }
        return view(find(caller, id));
    }

    /** A fine-tuned model ready to be loaded: 404 if unknown, 409 for a base model (it has no trained head). */
    public ServableModel servable(Caller caller, String id) {
        if (architecture(caller, id).isPresent()) {
            throw new ApiProblem(HttpStatus.CONFLICT, ProblemType.CONFLICT, "Model " + id
                    + " is a base model without a trained head; fine-tune it and predict with the fine-tuned model");
        }
        ModelRegistry.ModelRow row = find(caller, id);
        ModelDescriptor descriptor;
        try {
            descriptor = descriptor(row);
        }
        catch (RuntimeException e) {
            // Deleted between reading its row and reading its files: answer as for a deleted model.
            if (registry.find(caller.tenantId(), id).isEmpty()) {
                throw ApiProblem.notFound("model", id);
            }
            throw e;
        }
        return new ServableModel(id, directory(row), row.bytes(), descriptor);
    }

    /**
     * Deletes a fine-tuned or imported model and its files; 409 for a built-in base model or while a queued or running
     * job starts from it. Requests already queued on the loaded model still finish.
     */
    public ModelDeleted delete(Caller caller, String id) {
        if (imports.find(caller.tenantId(), id).isPresent()) {
            return deleteImported(caller, id);
        }
        if (architecture(caller, id).isPresent()) {
            throw new ApiProblem(HttpStatus.CONFLICT, ProblemType.CONFLICT, "Model " + id
                    + " is a built-in base model; only fine-tuned models can be deleted");
        }
        ModelRegistry.ModelRow row = find(caller, id);
        requireUnused(id);
        if (!registry.delete(id)) {
            throw ApiProblem.notFound("model", id);
        }
        serving.forEach(s -> s.deleted(id));
        descriptors.remove(id);
        try {
            store.deleteAll(row.artifact());
        }
        catch (IOException e) {
            // The row is gone, so the model is; leftover files are only disk space.
            log.warn("Model {} deleted but its artifact {} could not be removed: {}", id, row.artifact(), e.toString());
        }
        log.info("Model {} deleted", id);
        return new ModelDeleted(id, "model.deleted", true);
    }

    /**
     * The checks an import passes before its upload is read: the tenant's model quota, then one of
     * the import slots (503 when all are taken). Close the slot when the import is done.
     */
    public TorchScriptImport.ImportSlot startImport(Caller caller) {
        limits.checkModelQuota(registry.countOwned(caller.tenantId()));
        return imports.startImport();
    }

    /** Imports a TorchScript module or Graft artifact as a base model (see {@link TorchScriptImport}), in a slot taken first. */
    public ModelView importTorchScript(Caller caller, java.io.InputStream file, String descriptorJson) {
        return get(caller, imports.importModel(caller.tenantId(), file, descriptorJson).id());
    }

    /** Imports a TorchScript module or Graft artifact fetched from a URL (see {@link UrlImport}), in a slot taken first. */
    public ModelView importFromUrl(Caller caller, tools.jackson.databind.JsonNode body) {
        return get(caller, urlImports.importFrom(caller.tenantId(), body).id());
    }

    private ModelDeleted deleteImported(Caller caller, String id) {
        requireUnused(id);
        if (!imports.delete(caller.tenantId(), id)) {
            throw ApiProblem.notFound("model", id);
        }
        log.info("Imported model {} deleted", id);
        return new ModelDeleted(id, "model.deleted", true);
    }

    private void requireUnused(String id) {
        for (ModelUsage usage : usages) {
            String reason = usage.blockingUse(id);
            if (reason != null) {
                throw new ApiProblem(HttpStatus.CONFLICT, ProblemType.CONFLICT, "Model " + id + " is in use: " + reason);
            }
        }
    }

    /** Writes a fine-tuned model's artifact directory as a ZIP; returns the archive's file name. */
    public ModelArchive archive(Caller caller, String id) {
        if (architecture(caller, id).isPresent()) {
            throw new ApiProblem(HttpStatus.CONFLICT, ProblemType.CONFLICT, "Model " + id
                    + " is a base model: it has no trained weights to download");
        }
        ModelRegistry.ModelRow row = find(caller, id);
        return new ModelArchive(id, directory(row));
    }

    /** A model artifact about to be streamed. */
    public record ModelArchive(String id, Path directory) {

        public String fileName() {
            return id.replaceAll("[^A-Za-z0-9._-]", "_") + ".zip";
        }

        public void writeTo(OutputStream out) throws IOException {
            ModelZip.write(directory, fileName().substring(0, fileName().length() - 4), out);
        }
    }

    private ModelView view(ModelRegistry.ModelRow row) {
        String status = serving.isEmpty() ? "not_loaded" : serving.get(0).loadStatus(row.id());
        // The row is in hand: no need for the catalog's lookups (imports table, then registry) again.
        CatalogEntry asBase = BaseModelCatalog.asBase(row);
        ModelDescriptor descriptor;
        try {
            descriptor = descriptor(row);
        }
        catch (RuntimeException e) {
            // A lost or unreadable artifact must not hide the model (nor break the list): show it
            // without its input spec; predicting with it will fail and say so.
            log.warn("Model {}: cannot read the descriptor of artifact {}: {}", row.id(), row.artifact(), e.toString());
            descriptor = null;
        }
        return views.fineTuned(row, descriptor, status, asBase);
    }

    private ModelDescriptor descriptor(ModelRegistry.ModelRow row) {
        return descriptors.computeIfAbsent(row.id(), id -> ModelArtifact.readDescriptor(directory(row)));
    }

    private Path directory(ModelRegistry.ModelRow row) {
        try {
            return store.directory(row.artifact());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The caller's fine-tuned model; another tenant's answers 404 exactly like a missing one. */
    private ModelRegistry.ModelRow find(Caller caller, String id) {
        return registry.find(caller.tenantId(), id).orElseThrow(() -> ApiProblem.notFound("model", id));
    }

    private Optional<CatalogEntry> architecture(Caller caller, String id) {
        return catalog.entries(caller.tenantId()).stream().filter(e -> e.id().equals(id)).findFirst();
    }
}
