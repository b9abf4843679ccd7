package dev.graft.training;

import dev.graft.basemodel.ArchitectureSpec;
import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.Modality;
import dev.graft.basemodel.SentenceEncoderSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Fits {@link Preprocessing} on a training split and applies it; the same code serves both. */
final class Preprocessor {

    static final int VOCABULARY_LIMIT = 5000;
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{Nd}]+");

    private final Preprocessing preprocessing;
    private final Map<String, Integer> tokenIds = new HashMap<>();

    Preprocessor(Preprocessing preprocessing) {
        this.preprocessing = preprocessing;
        if (preprocessing.text() != null) {
            List<String> tokens = preprocessing.text().tokens();
            for (int i = 0; i < tokens.size(); i++) {
                tokenIds.put(tokens.get(i), i + 2);
            }
        }
    }

    Preprocessing preprocessing() {
        return preprocessing;
    }

    /**
     * Fits statistics on the training inputs. Images take the architecture's input shape;
     * tabular rows must have as many features as it declares.
     */
    static Preprocessing fit(ArchitectureSpec spec, List<Input> train) {
        return switch (spec.modality()) {
            case IMAGE -> new Preprocessing(Modality.IMAGE, fitImages(spec, train), null, null, null);
            case TABULAR -> new Preprocessing(Modality.TABULAR, null, fitFeatures(train), null, null);
            case TEXT -> Architectures.usesSentenceEncoder(spec)
                    ? new Preprocessing(Modality.TEXT, null, null, null, spec.id(),
                            SentenceEncoderSpec.find(spec.id()).orElseThrow().encoding())
                    : new Preprocessing(Modality.TEXT, null, null, fitVocabulary(train, spec.inputShape().get(0)), null);
        };
    }

    /** One example as floats (images, tables) in the model's layout. */
    float[] floats(Input input) {
        return switch (preprocessing.modality()) {
            case IMAGE -> {
                Preprocessing.ImageScaling s = preprocessing.image();
                float[] x = Pixels.toChw(input, s.channels(), s.height(), s.width());
                int plane = s.height() * s.width();
                for (int i = 0; i < x.length; i++) {
                    int c = i / plane;
                    x[i] = (x[i] - s.mean()[c]) / s.std()[c];
                }
                yield x;
            }
            case TABULAR -> {
                Preprocessing.FeatureScaling s = preprocessing.tabular();
                float[] raw = features(input);
                if (raw.length != s.mean().length) {
                    throw new IllegalArgumentException("Expected " + s.mean().length
                            + " features, got " + raw.length);
                }
                float[] x = new float[raw.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (raw[i] - s.mean()[i]) / s.std()[i];
                }
                yield x;
            }
            case TEXT -> {
                if (preprocessing.sentenceEncoder() == null) {
                    throw new IllegalStateException("Text becomes token ids, not floats");
                }
                if (!(input instanceof Input.Text text)) {
                    throw new IllegalArgumentException("Expected text input, got " + input.getClass());
                }
                yield SentenceEncoders.embed(preprocessing.sentenceEncoder(), preprocessing.sentenceEncoding(),
                        text.text());
            }
        };
    }

    /** One text as exactly {@code maxTokens} ids, truncated or padded with 0. */
    long[] tokens(Input input) {
        Preprocessing.Vocabulary v = preprocessing.text();
        long[] ids = new long[v.maxTokens()];
        int n = 0;
        for (String word : words(input)) {
            if (n == ids.length) {
                break;
            }
            ids[n++] = tokenIds.getOrDefault(word, Preprocessing.Vocabulary.UNKNOWN_ID);
        }
        return ids;
    }

    private static Preprocessing.ImageScaling fitImages(ArchitectureSpec spec, List<Input> train) {
        int c = spec.inputShape().get(0);
        int h = spec.inputShape().get(1);
        int w = spec.inputShape().get(2);
        double[] sum = new double[c];
        double[] sumSq = new double[c];
        long perChannel = 0;
        for (Input input : train) {
            float[] x = Pixels.toChw(input, c, h, w);
            for (int i = 0; i < x.length; i++) {
                sum[i / (h * w)] += x[i];
                sumSq[i / (h * w)] += (double) x[i] * x[i];
            }
            perChannel += (long) h * w;
        }
        return new Preprocessing.ImageScaling(c, h, w, means(sum, perChannel),
                stds(sum, sumSq, perChannel));
    }

    private static Preprocessing.FeatureScaling fitFeatures(List<Input> train) {
        int n = features(train.get(0)).length;
        double[] sum = new double[n];
        double[] sumSq = new double[n];
        for (Input input : train) {
            float[] x = features(input);
            if (x.length != n) {
                throw new IllegalArgumentException("Rows have different feature counts");
            }
            for (int i = 0; i < n; i++) {
                sum[i] += x[i];
                sumSq[i] += (double) x[i] * x[i];
            }
        }
        return new Preprocessing.FeatureScaling(means(sum, train.size()),
                stds(sum, sumSq, train.size()));
    }

    private static Preprocessing.Vocabulary fitVocabulary(List<Input> train, int maxTokens) {
        Map<String, Integer> counts = new HashMap<>();
        for (Input input : train) {
            for (String word : words(input)) {
                counts.merge(word, 1, Integer::sum);
            }
        }
        // Ties broken alphabetically so the same split always gives the same ids.
        List<String> tokens = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(VOCABULARY_LIMIT).map(Map.Entry::getKey).toList();
        return new Preprocessing.Vocabulary(tokens, maxTokens);
    }

    static List<String> words(Input input) {
        if (!(input instanceof Input.Text text)) {
            throw new IllegalArgumentException("Expected text input, got " + input.getClass());
        }
        List<String> out = new ArrayList<>();
        for (String w : NON_WORD.split(text.text().toLowerCase(Locale.ROOT))) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    private static float[] features(Input input) {
        if (!(input instanceof Input.Tabular row)) {
            throw new IllegalArgumentException("Expected tabular input, got " + input.getClass());
        }
        return row.features();
    }

    private static float[] means(double[] sum, long n) {
        float[] out = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            out[i] = (float) (sum[i] / n);
        }
        return out;
    }

    // A constant column would divide by zero; std 1 leaves it centred at 0 instead.
    private static float[] stds(double[] sum, double[] sumSq, long n) {
        float[] out = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            double mean = sum[i] / n;
            double var = Math.max(0, sumSq[i] / n - mean * mean);
            out[i] = var < 1e-12 ? 1f : (float) Math.sqrt(var);
        }
        return out;
    }
}
