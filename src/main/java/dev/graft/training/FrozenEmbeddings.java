package dev.graft.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.Modality;

/**
 * What a base makes of examples before any training: the embeddings of its frozen backbone,
 * built and preprocessed exactly as a run would start from it ({@link StartingPoint}) and computed
 * the way feature extraction caches them ({@link EmbeddingCache}: inference mode, one
 * sub-manager per batch). For judging bases without fine-tuning them.
 */
public final class FrozenEmbeddings {

    /**
     * @param embeddings one row per training example of the data, in order
     * @param pretrained whether the backbone's weights were learned (false: random initialisation,
     *     what a run "from scratch" starts from)
     */
    public record Embedded(float[][] embeddings, boolean pretrained) {

        public int embeddingSize() {
            return embeddings.length == 0 ? 0 : embeddings[0].length;
        }
    }

    private FrozenEmbeddings() {
    }

    /**
     * Embeds {@code data.train()}; the validation split is not used. Random weights are drawn
     * from the engine's generator seeded with {@code seed}, so a call is reproducible. Start the
     * engine first ({@link Engines#ensureStarted(java.nio.file.Path, int)}).
     *
     * @throws IllegalArgumentException when the base does not take the data's modality
     */
    public static Embedded embed(BaseModel base, TrainingData data, int batchSize, long seed) {
        Engine engine = Engines.ensureStarted(0);
        Engines.disableGradientsOnThisThread();
        engine.setRandomSeed((int) seed);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            StartingPoint start = StartingPoint.of(base, data, manager);
            requireFeatureCount(start, data);
            Shape exampleShape = Architectures.batchShape(start.spec(), 1).slice(1);
            EncodedSplit train = EncodedSplit.encode(new Preprocessor(start.preprocessing()), data.train(),
                    exampleShape);
            return new Embedded(EmbeddingCache.rows(start.net().backbone(), train, manager, batchSize,
                    EmbeddingKeys.of(base, start)),
                    start.pretrained());
        }
    }

    // A pretrained table model's first layer has its own column count; the engine would only fail
    // deep inside the forward pass.
    private static void requireFeatureCount(StartingPoint start, TrainingData data) {
        if (start.spec().modality() == Modality.TABULAR
                && data.train().get(0).input() instanceof Input.Tabular row
                && row.features().length != start.spec().inputShape().get(0)) {
            throw new IllegalArgumentException("it takes " + start.spec().inputShape().get(0)
                    + " features, the data has " + row.features().length);
        }
    }
}
