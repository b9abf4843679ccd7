package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.Modality;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Photo-sized splits: images are decoded once into a file of resized bytes that batches read, not
 * held as floats, and frozen embeddings are kept on disk so that a later run computes none again.
 * Inputs here are stored images whose reads are counted, as a worker reads a dataset's archive.
 */
class PhotoPipelineTest {

    @TempDir
    Path dir;

    private final AtomicInteger reads = new AtomicInteger();

    @BeforeAll
    static void engine() {
        SyntheticTasks.startEngine();
    }

    @BeforeEach
    void cacheInTemporaryDirectory() {
        DiskCache.configure(dir.resolve("cache"), 1L << 30);
    }

    @AfterEach
    void defaultCache() {
        DiskCache.configure(null, 4L << 30);
    }

    @Test
    void anImageSplitKeepsNoFloatsAndItsBatchesAreWhatPredictionComputes() {
        List<Example> examples = photos(40, 96, "a");
        Preprocessing.ImageScaling scaling = new Preprocessing.ImageScaling(3, 32, 32,
                new float[] {0.4f, 0.5f, 0.6f}, new float[] {0.2f, 0.25f, 0.3f});
        Preprocessor preprocessor = new Preprocessor(new Preprocessing(Modality.IMAGE, scaling, null, null, null));

        EncodedSplit split = EncodedSplit.encode(preprocessor, examples, new Shape(3, 32, 32));

        // As floats the split would hold 40 x 3 x 32 x 32 x 4 bytes; it holds none between batches.
        assertThat(split.residentBytes()).isZero();
        assertThat(split.pixels().path()).hasParent(dir.resolve("cache/pixels")).isRegularFile();
        assertThat(split.pixels().path().toFile().length()).isEqualTo(40L * 3 * 32 * 32);
        assertThat(reads).hasValue(40);
        int[] batch = {7, 3, 39};
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] got = split.inputs(manager, batch, null).toFloatArray();
            int width = 3 * 32 * 32;
            for (int i = 0; i < batch.length; i++) {
                float[] expected = preprocessor.floats(examples.get(batch[i]).input());
                float[] row = java.util.Arrays.copyOfRange(got, i * width, (i + 1) * width);
                assertThat(row).containsExactly(expected);
            }
        }
        // The same examples at the same size later: the file is reused, nothing decoded again.
        EncodedSplit again = EncodedSplit.encode(preprocessor, examples, new Shape(3, 32, 32));
        assertThat(again.pixels().path()).isEqualTo(split.pixels().path());
        assertThat(reads).hasValue(40 + 3);
    }

    @Test
    void embeddingPassesOfLargeImagesHoldFewImages() {
        Preprocessor images = new Preprocessor(new Preprocessing(Modality.IMAGE, null, null, null, null));
        assertThat(EmbeddingCache.chunk(EncodedSplit.encode(images, List.of(), new Shape(3, 224, 224)), 32)).isEqualTo(4);
        assertThat(EmbeddingCache.chunk(EncodedSplit.encode(images, List.of(), new Shape(3, 300, 300)), 32)).isEqualTo(2);
        assertThat(EmbeddingCache.chunk(EncodedSplit.encode(images, List.of(), new Shape(1, 28, 28)), 32)).isEqualTo(32);
    }

    @Test
    void trainingReadsEachPhotoTwiceWhateverTheEpochs() {
        List<Example> train = photos(48, 80, "t");
        List<Example> validation = photos(8, 80, "v");
        TrainingData data = new TrainingData(Modality.IMAGE, List.of("red", "blue"), train, validation);
        Hyperparameters hp = Hyperparameters.defaults().toBuilder().epochs(3).batchSize(8).seed(3).threads(2)
                .augment(Hyperparameters.Augment.SHIFT_SCALE).build();
        reads.set(0);

        try (TrainingResult r = new TrainingRun().run(new TrainingRequest(new BaseModel.Architecture(Architectures.CNN_SMALL,
                List.of(3, 32, 32)), Strategy.FULL, hp, data, "photos", dir.resolve("out"), null, null, null),
                TrainingListener.NONE, CancellationToken.none())) {
            assertThat(r.epochsRun()).isEqualTo(3);
            assertThat(r.report().accuracy()).isGreaterThan(0.9f);
        }
        // Training photos: once to fit the normalisation, once into the pixel file; validation
        // photos once. Three epochs of batches then read the file, not the photos.
        assertThat(reads).hasValue(2 * 48 + 8);
    }

    @Test
    void frozenEmbeddingsAreComputedOnceAndALaterRunOnlyReadsThem() throws Exception {
        Path coco = Path.of(PhotoPipelineTest.class.getResource("/catalog/coco-mobilenetv2").toURI());
        List<Example> train = photos(4, 120, "e");
        List<Example> validation = photos(2, 120, "f");
        TrainingData data = new TrainingData(Modality.IMAGE, List.of("red", "blue"), train, validation);
        long computed = EmbeddingCache.computed();
        reads.set(0);

        featureExtraction(coco, data, 1, dir.resolve("first"));

        assertThat(EmbeddingCache.computed() - computed).isEqualTo(6);
        assertThat(cachedEmbeddings()).hasSize(6);
        assertThat(reads).hasValue(6);

        // Another job on the same photos and base, with other hyperparameters: no photo is read and
        // the backbone computes nothing.
        long read = EmbeddingCache.read();
        featureExtraction(coco, data, 2, dir.resolve("second"));
        assertThat(EmbeddingCache.computed() - computed).isEqualTo(6);
        assertThat(EmbeddingCache.read() - read).isEqualTo(6);
        assertThat(reads).hasValue(6);

        // Base ranking embeds the same way and finds them too.
        FrozenEmbeddings.Embedded embedded = FrozenEmbeddings.embed(new BaseModel.Artifact("coco-mobilenetv2", coco),
                data, 4, 1);
        assertThat(embedded.embeddings()).hasNumberOfRows(4);
        assertThat(EmbeddingCache.computed() - computed).isEqualTo(6);
    }

    private void featureExtraction(Path coco, TrainingData data, int epochs, Path out) {
        Hyperparameters hp = Hyperparameters.defaults().toBuilder().epochs(epochs).batchSize(4).seed(epochs).build();
        try (TrainingResult r = new TrainingRun().run(new TrainingRequest(new BaseModel.Artifact("coco-mobilenetv2", coco),
                Strategy.FEATURE_EXTRACTION, hp, data, "photos", out, null, null, null), TrainingListener.NONE,
                CancellationToken.none())) {
            assertThat(r.epochsRun()).isEqualTo(epochs);
        }
    }

    private List<Path> cachedEmbeddings() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("cache/embeddings"))) {
            return files.filter(p -> p.toString().endsWith(".f32")).toList();
        }
    }

    /** JPEG "photos" of two classes (reddish or bluish with noise), readable only through a counted supplier. */
    private List<Example> photos(int n, int size, String prefix) {
        Random random = new Random(prefix.hashCode());
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            BufferedImage image = new BufferedImage(size, size + 16, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(label == 0 ? new Color(200, 60, 40) : new Color(40, 70, 200));
            g.fillRect(0, 0, size, size + 16);
            for (int k = 0; k < 30; k++) {
                g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
                g.fillOval(random.nextInt(size), random.nextInt(size), 1 + random.nextInt(size / 8), 1 + random.nextInt(size / 8));
            }
            g.dispose();
            byte[] jpeg = jpeg(image);
            out.add(new Example(new Input.StoredImage(prefix + "/" + i, () -> {
                reads.incrementAndGet();
                return jpeg;
            }), label));
        }
        return out;
    }

    private static byte[] jpeg(BufferedImage image) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(image, "jpg", bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
