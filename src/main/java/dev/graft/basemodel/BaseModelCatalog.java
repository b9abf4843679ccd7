package dev.graft.basemodel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.training.BaseModel;
import dev.graft.training.TrainingProperties;

/**
 * The base models a job can start from, in the order the API lists them:
 * <ol>
 * <li>from-scratch architectures (baselines for every comparison);
 * <li>pretrained bases shipped in {@code classpath:catalog/<id>/} (weights, descriptor and
 *     {@code pretrained.json}): trained by Graft itself ({@code scripts/pretrain-bases.sh}) or
 *     converted from published weights ({@code scripts/convert-coco-mobilenetv2.sh});
 * <li>TorchScript modules and Graft artifacts imported through {@code POST /v1/models}, uploaded or
 *     fetched from a URL ({@link UrlImport}), oldest first;
 * <li>every model Graft has fine-tuned (its backbone is reused under a new head).
 * </ol>
 */
@Service
public class BaseModelCatalog {

    /** Strategies, by wire name, as the jobs API spells them. */
    public static final List<String> ALL_STRATEGIES = List.of("feature_extraction", "partial", "full");
    private static final String GRAFT_LICENCE = "Apache-2.0";

    private static final List<CatalogEntry> ARCHITECTURES = List.of(
            architecture(Architectures.MLP, "tabular", null, "Two-layer perceptron (64-64) for numeric features"),
            architecture(Architectures.CNN_SMALL, "image", List.of(3, 32, 32), "Three conv-BN-ReLU-pool blocks (16-32-64), global average pooling"),
            architecture(Architectures.RESNET20, "image", List.of(3, 32, 32), "ResNet-20 (CIFAR layout, 3 stages of 3 basic blocks) for images up to 32 px"),
            architecture(Architectures.RESNET18, "image", List.of(3, 64, 64), "ResNet-18 (ImageNet layout, 4 stages of 2 basic blocks, 11M parameters) for images of 32 px and more"),
            architecture(Architectures.EMBEDDING_BAG, "text", List.of(64), "Word embeddings averaged over the text (vocabulary from the training split)"));

    /** Shipped inside Maven Central jars, so they are as available as the service itself. */
    private static final List<CatalogEntry> SENTENCE_ENCODERS = SentenceEncoderSpec.ALL.stream()
            .map(BaseModelCatalog::sentenceEncoder).toList();

    private final ModelRegistry models;
    private final TrainingProperties training;
    private final List<CatalogEntry> pretrained;
    private final ImportedBaseRepository imports;
    private final ArtifactStore store;

    BaseModelCatalog(ModelRegistry models, TrainingProperties training, JsonMapper json,
            ImportedBaseRepository imports, ArtifactStore store) {
        this.imports = imports;
        this.store = store;
        this.models = models;
        this.training = training;
        this.pretrained = readPretrained(json);
    }

    /** A base the tenant may start a job from: a shared entry, or one of its own imports or fine-tuned models. */
    public Optional<CatalogEntry> find(String tenantId, String id) {
        Optional<CatalogEntry> entry = entries(tenantId).stream().filter(e -> e.id().equals(id)).findFirst();
        if (entry.isPresent()) {
            return entry;
        }
        return models.find(tenantId, id).map(BaseModelCatalog::asBase);
    }

    /**
     * Why {@code compare_baseline} cannot run from this base, or null: the base must carry knowledge
     * (else transfer and scratch are one run) and have a Graft architecture to train from scratch.
     */
    public String baselineUnsupported(String tenantId, CatalogEntry base) {
        if (!base.pretrained()) {
            return base.id() + " is not pretrained: transfer and training from scratch would be the same run";
        }
        if (imports.find(base.id()).filter(m -> m.tenantId().equals(tenantId))
                .filter(m -> ImportedBase.TORCHSCRIPT.equals(m.format())).isPresent()) {
            return base.id() + " is an imported TorchScript module: it has no Graft architecture to train from scratch";
        }
        return null;
    }

    /** Whether any tenant's model, or a shared entry, already has this id. */
    public boolean idTaken(String id) {
        return shared().stream().anyMatch(e -> e.id().equals(id)) || imports.find(id).isPresent()
                || models.find(id).isPresent();
    }

    /** The entries every tenant shares, read-only: architectures, shipped pretrained bases, sentence encoders. */
    public List<CatalogEntry> shared() {
        List<CatalogEntry> all = new ArrayList<>(ARCHITECTURES);
        all.addAll(pretrained);
        all.addAll(SENTENCE_ENCODERS);
        return all;
    }

    /** A fine-tuned model as the base of a later job: its backbone under a new head. */
    public static CatalogEntry asBase(ModelRegistry.ModelRow m) {
        return new CatalogEntry(m.id(), m.modality(), true, ALL_STRATEGIES,
                "Fine-tuned by job " + m.jobId() + " from " + m.baseModel(), null, null, null, "graft job " + m.jobId(),
                true, null, null, null);
    }

    /** The catalog as the tenant sees it (not the fine-tuned models), in listing order: shared entries, then its imports. */
    public List<CatalogEntry> entries(String tenantId) {
        List<CatalogEntry> all = shared();
        imports.all(tenantId).forEach(m -> all.add(imported(m)));
        return all;
    }

    /**
     * A base as the training engine takes it: a shipped or imported Graft artifact, an imported
     * TorchScript module, a fine-tuned model's artifact, or else an architecture (an unknown id
     * fails when the engine builds it). Not scoped to a tenant: callers check {@link #find}
     * first, as job admission does. Empty when a fine-tuned model no longer exists.
     */
    public Optional<BaseModel> resolve(String id) throws IOException {
        if (isShippedPretrained(id)) {
            return Optional.of(new BaseModel.Artifact(id, artifactDirectory(id)));
        }
        if (id.startsWith("ft:")) {
            Optional<ModelRegistry.ModelRow> model = models.find(id);
            return model.isEmpty() ? Optional.empty()
                    : Optional.of(new BaseModel.Artifact(id, store.directory(model.get().artifact())));
        }
        Optional<ImportedBase> imported = imports.find(id);
        if (imported.isEmpty()) {
            return Optional.of(new BaseModel.Architecture(id));
        }
        ImportedBase m = imported.get();
        if (ImportedBase.GRAFT.equals(m.format())) {
            return Optional.of(new BaseModel.Artifact(id, store.directory(m.artifact())));
        }
        return Optional.of(new BaseModel.TorchScript(id, store.localPath(m.artifact()), m.inputShape(), m.mean(), m.std(),
                m.embeddingSize()));
    }

    private static CatalogEntry imported(ImportedBase m) {
        String description = ImportedBase.GRAFT.equals(m.format())
                ? "Imported Graft model '" + m.name() + "': its backbone is reused under a new head"
                : "Imported TorchScript module '" + m.name() + "' returning " + m.embeddingSize() + " "
                        + m.outputKind() + " per example; partial fine-tuning is not supported (DJL trains a "
                        + "TorchScript module whole or not at all)";
        return new CatalogEntry(m.id(), m.modality(), true, m.strategies(), description, m.inputShape(), m.embeddingSize(),
                null, "imported", true, null, null, null);
    }

    /** Whether the id names a shipped pretrained base (its weights are in {@link #artifactDirectory}). */
    public boolean isShippedPretrained(String id) {
        return pretrained.stream().anyMatch(e -> e.id().equals(id));
    }

    /**
     * A shipped pretrained base as a Graft artifact directory on disk, copied out of the jar once
     * (the engine loads weights from files).
     */
    public Path artifactDirectory(String id) {
        if (!isShippedPretrained(id)) {
            throw new IllegalArgumentException("Not a shipped pretrained base: " + id);
        }
        Path dir = training.dataDirectory().resolve("catalog").resolve(id).toAbsolutePath();
        try {
            Files.createDirectories(dir);
            for (String file : List.of("graft-model.json", "weights.params")) {
                Path target = dir.resolve(file);
                try (InputStream in = getClass().getResourceAsStream("/catalog/" + id + "/" + file)) {
                    if (in == null) {
                        throw new IOException("Missing classpath resource catalog/" + id + "/" + file);
                    }
                    Path tmp = Files.createTempFile(dir, ".copy-", ".part");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the pretrained base " + id + " to " + dir, e);
        }
    }

    private static List<CatalogEntry> readPretrained(JsonMapper json) {
        try {
            Resource[] found = new PathMatchingResourcePatternResolver().getResources("classpath*:catalog/*/pretrained.json");
            List<CatalogEntry> entries = new ArrayList<>();
            for (Resource resource : found) {
                try (InputStream in = resource.getInputStream()) {
                    JsonNode p = json.readTree(in);
                    List<Integer> shape = new ArrayList<>();
                    p.get("inputShape").forEach(n -> shape.add(n.asInt()));
                    String architecture = p.get("architecture").asString();
                    int embedding = Architectures.spec(architecture, shape, 0).embeddingSize();
                    if (p.has("description")) {
                        // Weights converted from another framework say where they come from themselves.
                        entries.add(new CatalogEntry(p.get("id").asString(), p.get("modality").asString(), true,
                                ALL_STRATEGIES, p.get("description").asString(), List.copyOf(shape), embedding,
                                p.get("licence").asString(), p.get("source").asString(), true, null,
                                p.get("sourceTask").asString(), null));
                        continue;
                    }
                    entries.add(new CatalogEntry(p.get("id").asString(), p.get("modality").asString(), true, ALL_STRATEGIES,
                            architecture + " pretrained by Graft on " + p.get("sourceTask").asString()
                                    + " (" + p.get("trainingExamples").asInt() + " examples)",
                            List.copyOf(shape), embedding,
                            "weights: Graft, derived from " + p.get("data").get("dataset").asString() + " ("
                                    + p.get("data").get("licence").asString() + ")",
                            p.get("data").get("source").asString() + "; made by " + p.get("madeBy").asString(),
                            true, null, p.get("sourceTask").asString(), p.get("testAccuracy").asDouble()));
                }
            }
            entries.sort(Comparator.comparing(CatalogEntry::id));
            return List.copyOf(entries);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the shipped catalog", e);
        }
    }

    private static CatalogEntry sentenceEncoder(SentenceEncoderSpec spec) {
        SentenceEncoding e = spec.encoding();
        String prefix = e.prefix().isEmpty() ? "" : "each text prefixed '" + e.prefix() + "', ";
        String pooling = e.pooling() == SentenceEncoding.Pooling.CLS ? "the [CLS] token's vector" : "mean-pooled";
        return new CatalogEntry(spec.id(), "text", true, List.of("feature_extraction"),
                spec.upstream() + " sentence encoder (int8 ONNX, run by ONNX Runtime): " + prefix + pooling + ", "
                        + (e.normalise() ? "L2-normalised " : "") + spec.embeddingSize() + "-d embeddings of up to "
                        + e.maxTokens() + " tokens, frozen; a new head trains on each example's cached embedding",
                null, spec.embeddingSize(), spec.licence(), spec.upstream() + ", int8 ONNX from Maven Central ("
                        + spec.mavenArtifact() + ")", spec.available(),
                spec.available() ? null : "its ONNX model is not on the classpath", spec.sourceTask(), null);
    }

    private static CatalogEntry architecture(String id, String modality, List<Integer> shape, String description) {
        int embedding = Architectures.spec(id, shape == null ? List.of(1) : shape, 1).embeddingSize();
        return new CatalogEntry(id, modality, false, ALL_STRATEGIES, description, shape, embedding, GRAFT_LICENCE,
                "graft (dev.graft.basemodel.Architectures)", true, null, null, null);
    }

    /**
     * @param modality          {@code image}, {@code tabular} or {@code text}
     * @param pretrained        whether the weights carry knowledge (false: random initialisation)
     * @param inputShape        what the base takes ({@code [channels, height, width]}, {@code [tokens]});
     *                          null where the dataset decides (a table's feature count)
     * @param available         false for entries this host cannot use, with the reason
     * @param sourceTask        what a pretrained base learned, with its {@code sourceAccuracy} there
     */
    public record CatalogEntry(String id, String modality, boolean pretrained, List<String> strategies, String description,
            List<Integer> inputShape, Integer embeddingSize, String licence, String source, boolean available,
            String unavailableReason, String sourceTask, Double sourceAccuracy) {
    }
}
