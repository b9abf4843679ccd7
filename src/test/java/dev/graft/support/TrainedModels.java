package dev.graft.support;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.Modality;
import dev.graft.model.ModelRegistry;
import dev.graft.security.Caller;
import dev.graft.storage.ArtifactStore;
import dev.graft.training.BaseModel;
import dev.graft.training.CancellationToken;
import dev.graft.training.Example;
import dev.graft.training.Hyperparameters;
import dev.graft.training.Input;
import dev.graft.training.Strategy;
import dev.graft.training.TrainingData;
import dev.graft.training.TrainingListener;
import dev.graft.training.TrainingRequest;
import dev.graft.training.TrainingResult;
import dev.graft.training.TrainingRun;
import dev.graft.web.Ids;

/**
 * Fine-tuned models for serving tests without a worker: trained in-process on tiny synthetic data
 * (a second or two each), written where a job would write them, and registered with a succeeded
 * job row, exactly as the worker does.
 */
public final class TrainedModels {

    public static final List<String> BLOB_LABELS = List.of("a", "b", "c");
    /** As the jobs API stores them: job views read them back, so they must be complete. */
    public static final String HYPERPARAMETERS = "{\"augment\": false, \"n_epochs\": 15, \"batch_size\": 8, "
            + "\"learning_rate\": 0.01, \"unfreeze_layers\": 1, \"early_stopping_patience\": 0, "
            + "\"backbone_learning_rate_multiplier\": 0.1}";

    private final JdbcClient jdbc;
    private final ModelRegistry registry;
    private final ArtifactStore store;
    private final String tenant;

    public TrainedModels(JdbcClient jdbc, ModelRegistry registry, ArtifactStore store) {
        this(jdbc, registry, store, Caller.DEFAULT_TENANT);
    }

    private TrainedModels(JdbcClient jdbc, ModelRegistry registry, ArtifactStore store, String tenant) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.store = store;
        this.tenant = tenant;
    }

    /** The same, registering the models as the given tenant's. */
    public TrainedModels forTenant(String tenantId) {
        return new TrainedModels(jdbc, registry, store, tenantId);
    }

    /** Three Gaussian blobs in two features, centred at (c, -c) as in {@link Fixtures#csv}. */
    public String tabular(String suffix) {
        return register(Architectures.MLP, null, suffix, "tabular", blobs(new Random(5), 20), BLOB_LABELS);
    }

    /** Red against blue 8x8 images. */
    public String image(String suffix) {
        Random random = new Random(3);
        List<Example> train = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            train.add(new Example(new Input.Image(colour(i % 2 == 0 ? Color.RED : Color.BLUE, random)), i % 2));
        }
        return register(Architectures.CNN_SMALL, List.of(3, 8, 8), suffix, "image",
                new TrainingData(Modality.IMAGE, List.of("red", "blue"), train, train.subList(0, 6)), List.of("red", "blue"));
    }

    /** "sun" texts against "rain" texts. */
    public String text(String suffix) {
        List<Example> train = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            train.add(new Example(new Input.Text("warm sun day " + i), 0));
            train.add(new Example(new Input.Text("cold rain night " + i), 1));
        }
        return register(Architectures.EMBEDDING_BAG, List.of(8), suffix, "text",
                new TrainingData(Modality.TEXT, List.of("sun", "rain"), train, train.subList(0, 6)), List.of("sun", "rain"));
    }

    public static TrainingData blobs(Random random, int perClass) {
        List<Example> train = new ArrayList<>();
        List<Example> validation = new ArrayList<>();
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < 3; c++) {
                Example e = new Example(new Input.Tabular(new float[] {(float) (c + random.nextGaussian() * 0.1),
                        (float) (-c + random.nextGaussian() * 0.1)}), c);
                (i % 5 == 0 ? validation : train).add(e);
            }
        }
        return new TrainingData(Modality.TABULAR, BLOB_LABELS, train, validation);
    }

    public static BufferedImage colour(Color colour, Random random) {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int jitter = random.nextInt(40);
                image.setRGB(x, y, new Color(Math.max(0, colour.getRed() - jitter), jitter,
                        Math.max(0, colour.getBlue() - jitter)).getRGB());
            }
        }
        return image;
    }

    private String register(String architecture, List<Integer> shape, String suffix, String modality, TrainingData data,
            List<String> labels) {
        String jobId = Ids.newId("ftjob");
        String datasetId = Ids.newId("ds");
        String modelId = "ft:" + architecture + ":" + suffix + ":" + jobId.substring(jobId.length() - 8);
        String prefix = "models/" + jobId + "/attempt-1";
        try {
            Path output = store.directory(prefix);
            Files.delete(output); // the engine writes the directory itself, atomically
            try (TrainingResult result = new TrainingRun().run(new TrainingRequest(new BaseModel.Architecture(architecture,
                    shape), Strategy.FULL, Hyperparameters.builder().epochs(15).batchSize(8).learningRate(0.01f).earlyStoppingPatience(0).build(), data, datasetId,
                    output, null, null, null), TrainingListener.NONE, CancellationToken.none())) {
                long bytes;
                try (Stream<Path> files = Files.walk(output)) {
                    bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
                }
                jdbc.sql("""
                        INSERT INTO fine_tuning_jobs (id, tenant_id, status, base_model, dataset_id, strategy, hyperparameters, seed,
                            max_attempts, fine_tuned_model, finished_at)
                        VALUES (:id, :tenant, 'succeeded', :base, :dataset, 'full', CAST(:hyperparameters AS jsonb), 1, 3, :model, now())
                        """).param("id", jobId).param("tenant", tenant).param("hyperparameters", TrainedModels.HYPERPARAMETERS).param("base", architecture).param("dataset", datasetId)
                        .param("model", modelId).update();
                String report = "{\"loss\": " + result.report().loss() + ", \"accuracy\": " + result.report().accuracy()
                        + ", \"macro_f1\": " + result.report().macroF1() + ", \"per_class\": [], \"confusion_matrix\": [],"
                        + " \"history\": []}";
                registry.register(new ModelRegistry.NewModel(modelId, tenant, jobId, architecture, datasetId, modality,
                        "[\"" + String.join("\", \"", labels) + "\"]", prefix, bytes, report));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return modelId;
    }
}
