package dev.graft.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.Modality;
import dev.graft.job.JobEventRepository;
import dev.graft.job.JobQueue;
import dev.graft.job.JobRow;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.GraftServerTest;
import dev.graft.support.QueuedJobs;
import dev.graft.support.TestDatabase;
import dev.graft.training.BaseModel;
import dev.graft.training.CancellationToken;
import dev.graft.training.Engines;
import dev.graft.training.EpochStats;
import dev.graft.training.Example;
import dev.graft.training.Hyperparameters;
import dev.graft.training.Input;
import dev.graft.training.StepProgress;
import dev.graft.training.Strategy;
import dev.graft.training.TrainingData;
import dev.graft.training.TrainingListener;
import dev.graft.training.TrainingRequest;
import dev.graft.training.TrainingRun;
import dev.graft.web.Ids;

/**
 * The suspected race of a worker that lost its lease pruning the checkpoint the next attempt
 * resumes from, forced into its racing order with the real training engine: the reaper gives the
 * job away right after an epoch was recorded, the next attempt picks its resume point, and the old
 * worker, not having noticed, trains one more epoch and saves (and prunes) its checkpoints before
 * its fenced record fails. The resume point must still be there.
 */
@GraftServerTest
class LostLeaseCheckpointTest {

    private static final int EPOCHS = 6;
    private static final int GIVEN_AWAY_AFTER = 3;

    @Autowired
    JobQueue queue;
    @Autowired
    JobEventRepository events;
    @Autowired
    ArtifactStore store;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void clean() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        Engines.ensureStarted(Path.of("target/graft-test-data"), 1);
    }

    @Test
    void aWorkerThatLostItsLeaseLeavesTheCheckpointTheNextAttemptResumesFrom() throws Exception {
        String id = QueuedJobs.insert(jdbc);
        JobRow first = queue.claim("worker-that-stalls", Duration.ofSeconds(30)).orElseThrow();
        // No per-step database check: this worker only learns of the loss at its next fenced write.
        RunningJob stalled = new RunningJob(first, "worker-that-stalls", "cpu", queue, events, json, Long.MAX_VALUE / 4,
                Duration.ofSeconds(30).toNanos());
        String checkpoints = TrainingJobExecutor.checkpointPrefix(first);
        CancellationToken token = new CancellationToken();
        JobProgress progress = new JobProgress(stalled, token, checkpoints, json);
        AtomicReference<JobEventRepository.CheckpointRow> resumePoint = new AtomicReference<>();
        TrainingListener racing = new TrainingListener() {
            @Override
            public void onStep(StepProgress step) {
                if (resumePoint.get() == null) {
                    progress.onStep(step);
                }
            }

            @Override
            public void onEpoch(EpochStats stats) {
                progress.onEpoch(stats);
                if (stats.epoch() == GIVEN_AWAY_AFTER) {
                    jdbc.sql("UPDATE fine_tuning_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = :id")
                            .param("id", id).update();
                    queue.reapExpiredLeases();
                    JobRow second = queue.claim("next-worker", Duration.ofSeconds(30)).orElseThrow();
                    assertThat(second.attempts()).isEqualTo(2);
                    resumePoint.set(events.latestCheckpoint(id).orElseThrow());
                }
            }
        };

        assertThatThrownBy(() -> new TrainingRun().run(request(store.directory(checkpoints)), racing, token).close())
                .isInstanceOf(LeaseLostException.class);

        assertThat(resumePoint.get().epoch()).isEqualTo(GIVEN_AWAY_AFTER);
        Path resumeFrom = store.directory(resumePoint.get().artifact());
        List<String> saved = new ArrayList<>();
        try (var list = Files.list(store.directory(checkpoints))) {
            list.forEach(p -> saved.add(p.getFileName().toString()));
        }
        assertThat(saved).as("the stalled worker went on to save, and prune, after losing its lease")
                .contains("epoch-000" + (GIVEN_AWAY_AFTER + 1)).doesNotContain("epoch-0001");
        assertThat(resumeFrom.resolve("state.json")).as("the next attempt's resume point").exists();
        assertThat(events.latestCheckpoint(id).orElseThrow().epoch()).as("nothing recorded after the loss").isEqualTo(GIVEN_AWAY_AFTER);
    }

    private TrainingRequest request(Path checkpointDirectory) throws Exception {
        Random random = new Random(3);
        List<Example> train = new ArrayList<>();
        List<Example> validation = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            int label = i % 2;
            float[] x = {label * 2f + (float) random.nextGaussian(), (float) random.nextGaussian()};
            (i < 40 ? train : validation).add(new Example(new Input.Tabular(x), label));
        }
        TrainingData data = new TrainingData(Modality.TABULAR, List.of("a", "b"), train, validation);
        Hyperparameters hp = Hyperparameters.defaults().toBuilder().epochs(EPOCHS).batchSize(8).earlyStoppingPatience(0).seed(5).build();
        return new TrainingRequest(new BaseModel.Architecture(Architectures.MLP), Strategy.FULL, hp, data, "ds_x",
                store.directory("models/" + Ids.newId("scratch")), checkpointDirectory, null, null);
    }
}
