package dev.graft.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Limit;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.dataset.internal.DatasetFormat;
import dev.graft.dataset.internal.ExampleContents;
import dev.graft.dataset.internal.ReadOptions;
import dev.graft.dataset.internal.SplitPlanner;
import dev.graft.dataset.internal.DatasetValidator;
import dev.graft.dataset.internal.Example;
import dev.graft.security.Caller;
import dev.graft.security.Limits;
import dev.graft.storage.ArtifactStore;
import dev.graft.web.ApiProblem;
import dev.graft.web.Ids;
import dev.graft.web.ListPage;
import dev.graft.web.ProblemType;

/**
 * The datasets feature: accepts uploads, lists, shows and deletes datasets.
 *
 * <p>A dataset is published in one step: its row is inserted and its files (the upload and
 * {@code split.json}) are moved into place inside one database transaction, and the files are
 * removed again if that transaction does not commit. A row therefore always has its files, and
 * a rejected upload leaves neither.
 */
@Service
public class DatasetService {

    private static final Logger log = LoggerFactory.getLogger(DatasetService.class);

    private final DatasetRepository repository;
    private final DatasetIngest ingest;
    private final ArtifactStore store;
    private final JsonMapper json;
    private final TransactionTemplate transactions;
    private final List<DatasetUsage> usages;
    private final Limits limits;

    DatasetService(DatasetRepository repository, DatasetIngest ingest, ArtifactStore store, JsonMapper json,
            TransactionTemplate transactions, List<DatasetUsage> usages, Limits limits) {
        this.limits = limits;
        this.repository = repository;
        this.ingest = ingest;
        this.store = store;
        this.json = json;
        this.transactions = transactions;
        this.usages = usages;
    }

    /** Validates an upload and stores it with its split; throws a problem (and keeps nothing) if it is invalid. */
    public DatasetView create(Caller caller, NewDataset request, InputStream content) throws IOException {
        limits.checkDatasetQuota(repository.countByTenantId(caller.tenantId()));
        DatasetIngest.Accepted accepted = ingest.ingest(request, content);
        String id = Ids.newId("ds");
        try (var staged = accepted.staged()) {
            DatasetIngest.Settings settings = accepted.settings();
            List<Example> examples = accepted.scan().examples();
            var split = accepted.split();
            DatasetStats stats = new DatasetStats(DatasetValidator.labels(examples), DatasetValidator.classCounts(examples), accepted.scan().details());
            Dataset dataset = new Dataset(id, caller.tenantId(), settings.name(), settings.format().wireName(), settings.filename(),
                    staged.size(), staged.sha256(), examples.size(), json.writeValueAsString(stats),
                    settings.validationFraction(), settings.seed(), split.train().size(), split.validation().size(),
                    Instant.now().truncatedTo(ChronoUnit.MICROS));
            byte[] splitJson = json.writeValueAsBytes(new SplitFile(SplitFile.FORMAT_VERSION, settings.seed(),
                    settings.validationFraction(), examples, split.train(), split.validation(), settings.labelColumn(),
                    settings.textColumn()));
            try {
                transactions.executeWithoutResult(tx -> {
                    repository.saveAndFlush(dataset);
                    try {
                        store.put(splitKey(id), splitJson);
                        store.commit(staged, dataKey(id, settings.format(), accepted.scan().details()));
                    }
                    catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            catch (RuntimeException e) {
                deleteFiles(id);
                throw e;
            }
            log.info("Dataset {} stored: {} {} examples, {} bytes", id, examples.size(), settings.format().wireName(), staged.size());
            return view(dataset);
        }
    }

    public ListPage<DatasetView> list(Caller caller, String after, Integer limit) {
        int size = ListPage.checkLimit(limit);
        String tenant = caller.tenantId();
        List<Dataset> rows;
        if (after == null) {
            rows = repository.newestFirst(tenant, Limit.of(size + 1));
        }
        else {
            long seq = repository.seqOf(tenant, after).orElseThrow(
                    () -> ApiProblem.invalidField("after", "no dataset with id '" + after + "' to continue after"));
            rows = repository.newestFirstBefore(tenant, seq, Limit.of(size + 1));
        }
        return ListPage.of(rows, size, Dataset::id).map(this::view);
    }

    public DatasetView get(Caller caller, String id) {
        return view(find(caller.tenantId(), id));
    }

    /** For other features: the tenant's dataset, if it has one with this id. */
    public Optional<DatasetView> lookup(String tenantId, String id) {
        return repository.findByTenantIdAndId(tenantId, id).map(this::view);
    }

    public DatasetSplitView split(Caller caller, String id) {
        find(caller.tenantId(), id);
        SplitFile file = readSplit(id);
        return new DatasetSplitView("dataset.split", id, file.validationFraction(), file.seed(),
                refs(file, file.train()), refs(file, file.validation()));
    }

    /** Deletes the dataset and its files; 409 while a queued or running job still needs it. */
    public DatasetDeleted delete(Caller caller, String id) {
        Dataset dataset = find(caller.tenantId(), id);
        for (DatasetUsage usage : usages) {
            String reason = usage.blockingUse(id);
            if (reason != null) {
                throw new ApiProblem(HttpStatus.CONFLICT, ProblemType.CONFLICT, "Dataset " + id + " is in use: " + reason);
            }
        }
        repository.delete(dataset);
        deleteFiles(id);
        log.info("Dataset {} deleted", id);
        return new DatasetDeleted(id, "dataset.deleted", true);
    }

    private Dataset find(String tenantId, String id) {
        return repository.findByTenantIdAndId(tenantId, id).orElseThrow(() -> ApiProblem.notFound("dataset", id));
    }

    /**
     * The examples of a dataset with their contents, for training: the stored split, or a new
     * stratified one when a job asks for another {@code validationFraction}.
     */
    public TrainingExamples load(String id, Double validationFraction, long seed) throws IOException {
        // The worker's read, for a job already admitted for its tenant: not scoped again.
        Dataset dataset = repository.findById(id).orElseThrow(() -> ApiProblem.notFound("dataset", id));
        SplitFile file = readSplit(id);
        List<Integer> train = file.train();
        List<Integer> validation = file.validation();
        if (validationFraction != null && validationFraction != file.validationFraction()) {
            SplitPlanner.Split split = SplitPlanner.plan(file.examples(), validationFraction, seed);
            train = split.train();
            validation = split.validation();
        }
        return examples(dataset, file, train, validation);
    }

    /**
     * A stratified sample of at most {@code maxExamples} of the tenant's dataset's stored training
     * split, with contents read for the sampled examples only (validation empty); 404 for a
     * dataset the tenant does not have.
     */
    public TrainingExamples trainingSample(String tenantId, String id, int maxExamples, long seed) throws IOException {
        Dataset dataset = find(tenantId, id);
        SplitFile file = readSplit(id);
        return examples(dataset, file, SplitPlanner.sample(file.examples(), file.train(), maxExamples, seed), List.of());
    }

    private TrainingExamples examples(Dataset dataset, SplitFile file, List<Integer> train, List<Integer> validation)
            throws IOException {
        String id = dataset.id();
        DatasetFormat format = DatasetFormat.fromWireName(dataset.format()).orElseThrow();
        ReadOptions options = new ReadOptions(file.labelColumn() == null ? "label" : file.labelColumn(),
                file.textColumn() == null ? "text" : file.textColumn(), null, null);
        Set<String> locations = new HashSet<>();
        for (List<Integer> side : List.of(train, validation)) {
            side.forEach(i -> locations.add(file.examples().get(i).location()));
        }
        Map<String, Object> contents = ExampleContents.read(format, store.localPath(dataKey(id, format, detailsOf(dataset))),
                id + "@" + dataset.sha256(), options, locations);
        List<String> labels = DatasetValidator.labels(file.examples());
        return new TrainingExamples(id, dataset.format(), labels, items(file, train, labels, contents),
                items(file, validation, labels, contents));
    }

    private static List<TrainingExamples.Item> items(SplitFile file, List<Integer> indices, List<String> labels,
            Map<String, Object> contents) {
        // A map, not labels.indexOf: that would cost examples x classes.
        Map<String, Integer> classIndex = new HashMap<>(labels.size() * 2);
        for (int i = 0; i < labels.size(); i++) {
            classIndex.put(labels.get(i), i);
        }
        return indices.stream().map(file.examples()::get)
                .map(e -> new TrainingExamples.Item(e.location(), classIndex.get(e.label()), contents.get(e.location())))
                .toList();
    }

    private Map<String, Object> detailsOf(Dataset dataset) {
        return json.readValue(dataset.stats(), DatasetStats.class).details();
    }

    private SplitFile readSplit(String id) {
        try (InputStream in = store.open(splitKey(id))) {
            return json.readValue(in, SplitFile.class);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Split of dataset " + id + " is unreadable", e);
        }
    }

    private static List<DatasetSplitView.ExampleRef> refs(SplitFile file, List<Integer> indices) {
        return indices.stream().map(file.examples()::get).map(e -> new DatasetSplitView.ExampleRef(e.location(), e.label())).toList();
    }

    private DatasetView view(Dataset d) {
        DatasetStats stats = json.readValue(d.stats(), DatasetStats.class);
        return new DatasetView(d.id(), "dataset", d.name(), d.format(), d.status(), d.filename(), d.bytes(), d.sha256(),
                d.createdAt().getEpochSecond(), d.numExamples(), stats.labels(), stats.classCounts(),
                new DatasetView.Split(d.validationFraction(), d.splitSeed(), d.trainExamples(), d.validationExamples()),
                stats.details());
    }

    private void deleteFiles(String id) {
        try {
            store.deleteAll(prefix(id));
        }
        catch (IOException e) {
            log.error("Could not delete the files of dataset {}; remove {} by hand", id, prefix(id), e);
        }
    }

    /** What kind of input a dataset of this format holds, as base models name it: image, tabular or text. */
    public static String modality(String format) {
        return switch (format) {
            case "image_folder" -> "image";
            case "csv" -> "tabular";
            default -> "text";
        };
    }

    static String prefix(String id) {
        return "datasets/" + id;
    }

    static String splitKey(String id) {
        return prefix(id) + "/split.json";
    }

    static String dataKey(String id, DatasetFormat format, Map<String, Object> details) {
        return prefix(id) + switch (format) {
            case IMAGE_FOLDER -> "/data.zip";
            case CSV -> "/data.csv";
            case TEXT -> "jsonl".equals(details.get("text_format")) ? "/data.jsonl" : "/data.csv";
        };
    }
}
