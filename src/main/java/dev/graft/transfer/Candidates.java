package dev.graft.transfer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.graft.basemodel.BaseModelCatalog;
import dev.graft.basemodel.BaseModelCatalog.CatalogEntry;
import dev.graft.basemodel.TorchScriptModule;
import dev.graft.dataset.DatasetService;
import dev.graft.dataset.DatasetView;
import dev.graft.training.BaseModel;
import dev.graft.training.ModelArtifact;
import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;

/**
 * Which bases a ranking scores: the ones named (each checked as a job checks its base model, 422
 * otherwise), or every available base of the dataset's modality the tenant can see; minus those
 * that would run an imported TorchScript module, which are reported as excluded.
 */
final class Candidates {

    static final String TORCHSCRIPT_REASON = "runs an imported TorchScript module; ranking computes embeddings "
            + "inside the API process, where uploaded TorchScript is never run (fine-tune it in a job, which runs "
            + "in a worker process, to compare it)";

    /** @param location the request field that named it ({@code /candidates/i}), or null when chosen by default */
    record Candidate(String id, BaseModel base, String location) {
    }

    record Chosen(List<Candidate> scored, List<RankingView.ExcludedModel> excluded) {
    }

    private Candidates() {
    }

    static Chosen choose(BaseModelCatalog catalog, String tenantId, DatasetView dataset, List<String> requested)
            throws IOException {
        String modality = DatasetService.modality(dataset.format());
        List<String> ids = new ArrayList<>();
        List<String> locations = new ArrayList<>();
        if (requested == null) {
            for (CatalogEntry e : catalog.entries(tenantId)) {
                if (e.available() && e.modality().equals(modality)) {
                    ids.add(e.id());
                    locations.add(null);
                }
            }
        }
        else {
            check(catalog, tenantId, dataset, modality, requested);
            ids.addAll(requested);
            for (int i = 0; i < requested.size(); i++) {
                locations.add("/candidates/" + i);
            }
        }
        List<Candidate> scored = new ArrayList<>();
        List<RankingView.ExcludedModel> excluded = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Optional<BaseModel> base = catalog.resolve(ids.get(i));
            if (base.isEmpty()) {
                excluded.add(new RankingView.ExcludedModel(ids.get(i), "no longer exists"));
            }
            else if (runsTorchScript(base.get())) {
                excluded.add(new RankingView.ExcludedModel(ids.get(i), TORCHSCRIPT_REASON));
            }
            else {
                scored.add(new Candidate(ids.get(i), base.get(), locations.get(i)));
            }
        }
        return new Chosen(scored, excluded);
    }

    private static void check(BaseModelCatalog catalog, String tenantId, DatasetView dataset, String modality,
            List<String> requested) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            String id = requested.get(i);
            String location = "/candidates/" + i;
            Optional<CatalogEntry> entry = catalog.find(tenantId, id);
            if (!seen.add(id)) {
                errors.add(new FieldError(location, "'" + id + "' is listed twice"));
            }
            else if (entry.isEmpty()) {
                errors.add(new FieldError(location, "no base model '" + id + "'; GET /v1/models?kind=base lists them"));
            }
            else if (!entry.get().available()) {
                errors.add(new FieldError(location, id + " is not available on this host: " + entry.get().unavailableReason()));
            }
            else if (!entry.get().modality().equals(modality)) {
                errors.add(new FieldError(location, id + " takes " + entry.get().modality() + " input, but dataset "
                        + dataset.id() + " is " + dataset.format() + " (" + modality + ")"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.unprocessable(errors);
        }
    }

    // A fine-tuned model or imported Graft artifact built on an imported module keeps the module
    // file and loads it: the descriptor's architecture says so before anything is loaded.
    private static boolean runsTorchScript(BaseModel base) {
        if (base instanceof BaseModel.TorchScript) {
            return true;
        }
        return base instanceof BaseModel.Artifact artifact && TorchScriptModule.ARCHITECTURE_ID.equals(
                ModelArtifact.readDescriptor(artifact.directory()).architecture().id());
    }
}
