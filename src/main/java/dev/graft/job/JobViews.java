package dev.graft.job;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Builds the API objects from rows (parsing their json columns). */
@Component
class JobViews {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() { };

    private final JsonMapper json;
    private final JobRepository jobs;
    private final JobProperties properties;

    JobViews(JsonMapper json, JobRepository jobs, JobProperties properties) {
        this.json = json;
        this.jobs = jobs;
        this.properties = properties;
    }

    JobView job(JobRow row) {
        return job(row, jobs::countRunning);
    }

    /** For a page of one tenant's jobs: its running jobs are counted once, not once per queued job. */
    Function<JobRow, JobView> page() {
        Map<String, Long> running = new HashMap<>();
        return row -> job(row, tenant -> running.computeIfAbsent(tenant, jobs::countRunning));
    }

    private JobView job(JobRow row, ToLongFunction<String> runningJobs) {
        int max = properties.maxRunningPerTenant();
        return new JobView(row.id(), "fine_tuning.job", row.status().wireName(), row.baseModel(), row.datasetId(),
                row.strategy(), json.readValue(row.hyperparameters(), MAP), row.seed(),
                row.validationFraction(), row.suffix(), row.metadata() == null ? null : json.readValue(row.metadata(), STRINGS),
                row.priority(), row.maxDurationSeconds(), row.fineTunedModel(), seconds(row.createdAt()), secondsOrNull(row.startedAt()),
                secondsOrNull(row.finishedAt()),
                row.errorCode() == null ? null : new JobView.Error(row.errorCode(), row.errorMessage()),
                row.attempts(), row.maxAttempts(), row.cancelRequested(),
                row.progress() == null ? null : json.readValue(row.progress(), JobView.Progress.class),
                row.metrics() == null ? null : json.readValue(row.metrics(), MAP),
                max > 0 ? max : null, waitingReason(row, max, runningJobs), row.compareBaseline(),
                row.transferReport() == null ? null : json.readValue(row.transferReport(), MAP),
                row.search() == null ? null : withoutPredictions(json.readValue(row.search(), MAP)),
                row.startedAt() == null ? List.of() : List.of(JobResults.path(row.id())));
    }

    /**
     * The stored search is also its checkpoint, with each fold's per-example predictions (for the
     * chosen candidate's out-of-fold report after a resume); clients see the scores only.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withoutPredictions(Map<String, Object> search) {
        Object candidates = search.get("candidates");
        if (candidates instanceof java.util.List<?> list) {
            for (Object c : list) {
                Object rungs = ((Map<String, Object>) c).get("rungs");
                if (rungs instanceof java.util.List<?> rs) {
                    for (Object r : rs) {
                        Object folds = ((Map<String, Object>) r).get("folds");
                        if (folds instanceof java.util.List<?> fs) {
                            fs.forEach(f -> ((Map<String, Object>) f).remove("predictions"));
                        }
                    }
                }
            }
        }
        return search;
    }

    /** Why a queued job has not started, when the reason is the tenant's own limit rather than busy workers. */
    private static String waitingReason(JobRow row, int max, ToLongFunction<String> runningJobs) {
        if (row.status() != JobStatus.QUEUED || max <= 0) {
            return null;
        }
        long running = runningJobs.applyAsLong(row.tenantId());
        return running < max ? null : "This tenant already runs " + running + " jobs, its limit "
                + "(graft.jobs.max-running-per-tenant = " + max + "); this job starts when one of them ends";
    }

    JobEventView event(JobEventRepository.EventRow row) {
        return new JobEventView(row.id(), "fine_tuning.job.event", row.createdAt().toInstant().getEpochSecond(), row.level(),
                row.type(), row.message(), row.data() == null ? null : json.readValue(row.data(), MAP));
    }

    CheckpointView checkpoint(JobEventRepository.CheckpointRow row) {
        return new CheckpointView(row.id(), "fine_tuning.job.checkpoint", row.jobId(), row.epoch(), row.step(),
                row.metrics() == null ? null : json.readValue(row.metrics(), MAP), row.createdAt().toInstant().getEpochSecond());
    }

    private static long seconds(Instant instant) {
        return instant.getEpochSecond();
    }

    private static Long secondsOrNull(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }
}
