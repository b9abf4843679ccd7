package dev.graft.transfer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

import dev.graft.basemodel.BaseModelCatalog;
import dev.graft.basemodel.Modality;
import dev.graft.dataset.DatasetService;
import dev.graft.dataset.ImageEntry;
import dev.graft.dataset.DatasetView;
import dev.graft.dataset.TrainingExamples;
import dev.graft.security.Caller;
import dev.graft.training.Engines;
import dev.graft.training.Example;
import dev.graft.training.FrozenEmbeddings;
import dev.graft.training.Input;
import dev.graft.training.TrainingData;
import dev.graft.training.TrainingProperties;
import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;
import dev.graft.web.ProblemType;

/**
 * Ranks base models for a dataset without fine-tuning any of them: each candidate's frozen
 * backbone embeds one stratified sample of the training split, and LogME scores how well a linear
 * model on those embeddings could explain the labels. The facade of the transfer feature.
 *
 * <p>Runs in the API process (it needs no queue: a ranking takes seconds, not epochs), so sample
 * size, candidates and concurrent rankings are bounded by {@link TransferProperties}.
 */
@Service
public class BaseModelRanking {

    private static final Logger log = LoggerFactory.getLogger(BaseModelRanking.class);

    private final DatasetService datasets;
    private final BaseModelCatalog catalog;
    private final TransferProperties properties;
    private final TrainingProperties engine;
    private final Semaphore permits;

    BaseModelRanking(DatasetService datasets, BaseModelCatalog catalog, TransferProperties properties,
            TrainingProperties engine) {
        this.datasets = datasets;
        this.catalog = catalog;
        this.properties = properties;
        this.engine = engine;
        this.permits = new Semaphore(properties.maxConcurrent());
    }

    /** Scores the request's candidates on its dataset, best first. */
    public RankingView rank(Caller caller, JsonNode body) throws IOException {
        RankRequest request = RankRequestParser.parse(body, properties);
        String tenant = caller.tenantId();
        DatasetView dataset = datasets.lookup(tenant, request.dataset()).orElseThrow(() -> ApiProblem.unprocessable(
                List.of(new FieldError("/dataset", "no dataset with id '" + request.dataset() + "'"))));
        if (!"ready".equals(dataset.status())) {
            throw ApiProblem.unprocessable(List.of(new FieldError("/dataset", "dataset is " + dataset.status() + ", not ready")));
        }
        Candidates.Chosen chosen = Candidates.choose(catalog, tenant, dataset, request.candidates());
        if (!permits.tryAcquire()) {
            ApiProblem problem = new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, ProblemType.SERVICE_UNAVAILABLE,
                    "Another ranking is being computed; retry shortly");
            problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, properties.retryAfter().toSeconds())));
            throw problem;
        }
        try {
            Engines.ensureStarted(engine.dataDirectory(), engine.threads());
            TrainingExamples sample = datasets.trainingSample(tenant, dataset.id(), request.sampleSize(), request.seed());
            return score(dataset, request, sample, chosen);
        }
        finally {
            permits.release();
        }
    }

    private RankingView score(DatasetView dataset, RankRequest request, TrainingExamples sample, Candidates.Chosen chosen) {
        TrainingData data = trainingData(sample);
        int[] labels = presentClasses(data);
        List<RankingView.ExcludedModel> excluded = new ArrayList<>(chosen.excluded());
        List<Scored> scored = new ArrayList<>();
        long started = System.nanoTime();
        for (Candidates.Candidate candidate : chosen.scored()) {
            long t0 = System.nanoTime();
            FrozenEmbeddings.Embedded embedded;
            try {
                embedded = FrozenEmbeddings.embed(candidate.base(), data, properties.batchSize(), request.seed());
            }
            catch (IllegalArgumentException e) {
                // The engine refuses a base that cannot take these inputs (a table of another width).
                if (candidate.location() != null) {
                    throw ApiProblem.unprocessable(List.of(new FieldError(candidate.location(), candidate.id()
                            + " cannot embed this dataset: " + e.getMessage())));
                }
                excluded.add(new RankingView.ExcludedModel(candidate.id(), "cannot embed this dataset: " + e.getMessage()));
                continue;
            }
            double score = LogMe.score(embedded.embeddings(), labels);
            double seconds = Math.round((System.nanoTime() - t0) / 1e6) / 1e3;
            scored.add(new Scored(candidate.id(), score, embedded.pretrained(), embedded.embeddingSize(), seconds));
        }
        scored.sort(Comparator.comparingDouble(Scored::score).reversed());
        List<RankingView.RankedModel> ranked = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            Scored s = scored.get(i);
            ranked.add(new RankingView.RankedModel(s.id(), s.score(), i + 1, s.pretrained(), s.embeddingSize(),
                    labels.length, s.seconds()));
        }
        log.info("Ranked {} base models on dataset {} ({} examples) in {} s", ranked.size(), dataset.id(), labels.length,
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
        return new RankingView("list", dataset.id(), ranked, labels.length, request.seed(), excluded);
    }

    private record Scored(String id, double score, boolean pretrained, int embeddingSize, double seconds) {
    }

    // The same translation a training job makes (worker.TrainingInputs), for the sampled split only.
    private static TrainingData trainingData(TrainingExamples sample) {
        Modality modality = Modality.valueOf(DatasetService.modality(sample.format()).toUpperCase(Locale.ROOT));
        List<Example> train = sample.train().stream().map(i -> new Example(input(i.content()), i.label())).toList();
        return new TrainingData(modality, sample.labels(), train, List.of());
    }

    private static Input input(Object content) {
        if (content instanceof float[] features) {
            return new Input.Tabular(features);
        }
        if (content instanceof ImageEntry image) {
            return new Input.StoredImage(image.identity(), image::read);
        }
        return new Input.Text((String) content);
    }

    /**
     * Labels renumbered over the classes the sample holds: LogME averages over classes, and a
     * class with no example (a sample smaller than the class count) has nothing to score.
     */
    private static int[] presentClasses(TrainingData data) {
        int[] index = new int[data.labels().size()];
        java.util.Arrays.fill(index, -1);
        int next = 0;
        int[] labels = new int[data.train().size()];
        for (int i = 0; i < labels.length; i++) {
            int label = data.train().get(i).label();
            if (index[label] < 0) {
                index[label] = next++;
            }
            labels[i] = index[label];
        }
        return labels;
    }
}
